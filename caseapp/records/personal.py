"""Personal data in text that leaves the agency (pure functions), and the parties of a case whose
details are looked for literally.

Finds resident ID numbers (with a valid check digit), mobile and landline numbers, e-mail
addresses and bank card numbers (valid by the Luhn check), and the known values of every party on
the case: the applicant, and what the domains above add with `add_party_source` (the third parties
consulted). Numbers are also looked for with the spaces between their digits taken out, as a
reader's eye joins them: an ID number written "110105 1949 1231 002X" or letter-spaced
"1 1 0 1 0 5 ..." (Word's 分散对齐) is found like the plain one. Text is compared in NFKC, so
full-width digits count as digits. The public column (disclosure) uses it; so may the letters.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from caseapp.cases.identity import resident_id_check

ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])"
                   r"(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![\d])(?:\+?86[-\s]?)?(1[3-9]\d[-\s]?\d{4}[-\s]?\d{4})(?!\d)")
LANDLINE_RE = re.compile(r"(?<![\d])((?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-－—\s])\s?[2-9]\d{6,7}(?:-\d{1,5})?)(?!\d)")
LOCAL_PHONE_RE = re.compile(r"(?:电话|手机|联系方式|TEL|Tel|tel)[:：\s]*([2-9]\d{6,7})(?!\d)")
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
CARD_RE = re.compile(r"(?<![\d])((?:\d[ -]?){15,18}\d)(?!\d)")
# A few blanks (not a line break) between two digits (or a digit and the ID's final X): the gaps of
# a number written in groups or letter-spaced.
DIGIT_GAP_RE = re.compile(r"(?<=\d)[ \t\u00a0\u2000-\u200b\u3000]{1,4}(?=[\dXx])")
NUMBER_KINDS = ("id_number", "bank_card", "mobile", "landline")

KIND_ORDER = ("id_number", "bank_card", "mobile", "landline", "email", "name", "address")


@dataclass(frozen=True)
class Finding:
    kind: str
    value: str


def valid_resident_id(number: str) -> bool:
    """Whether an 18-character resident ID number has the right check digit (GB 11643)."""
    number = number.upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    return resident_id_check(number[:17]) == number[17]


def luhn_valid(digits: str) -> bool:
    """Whether a card number passes the Luhn check."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _key(kind: str, value: str) -> tuple[str, str]:
    """Two spellings of one number (with or without its spaces) are one finding."""
    if kind in NUMBER_KINDS:
        return kind, _digits(value) + ("X" if value.upper().endswith("X") else "")
    return kind, value


def _patterns(text: str, found: dict[tuple[str, str], Finding]) -> None:
    def add(kind: str, value: str) -> None:
        found.setdefault(_key(kind, value), Finding(kind, value))

    ids = set()
    for m in ID_RE.finditer(text):
        if valid_resident_id(m.group(1)):
            ids.add(m.group(1).upper())
            add("id_number", m.group(1))
    for m in CARD_RE.finditer(text):
        digits = _digits(m.group(1))
        if 16 <= len(digits) <= 19 and digits not in ids and luhn_valid(digits) and not valid_resident_id(digits):
            add("bank_card", m.group(1).strip())
    for m in MOBILE_RE.finditer(text):
        add("mobile", m.group(1))
    for regex in (LANDLINE_RE, LOCAL_PHONE_RE):
        for m in regex.finditer(text):
            value = m.group(1).strip()
            if len(_digits(value)) >= 7 and not any(_digits(value) in _digits(f.value) for f in found.values()
                                                    if f.kind in NUMBER_KINDS):
                add("landline", value)
    for m in EMAIL_RE.finditer(text):
        add("email", m.group(1))


def _squash(text: str) -> str:
    """Text without any whitespace, for looking up known values (a name letter-spaced or broken over a line)."""
    return "".join(ch for ch in text if not ch.isspace())


def find_personal_data(text: str, known: Iterable[tuple[str, str]] = ()) -> list[Finding]:
    """Personal details found in `text`; `known` adds (kind, value) pairs to look for literally
    (the parties' names, addresses and numbers). Each value is reported once."""
    text = unicodedata.normalize("NFKC", text or "")
    found: dict[tuple[str, str], Finding] = {}
    _patterns(text, found)
    joined = DIGIT_GAP_RE.sub("", text)
    if joined != text:
        _patterns(joined, found)
    squashed = _squash(text)
    squashed_numbers = re.sub(r"(?<=\d)[-－—()（）]+(?=\d)", "", squashed)
    for kind, value in known:
        value = unicodedata.normalize("NFKC", (value or "").strip())
        if len(value) < 2:
            continue
        if kind in NUMBER_KINDS or kind == "phone":
            number = re.sub(r"[\s\-－—()（）]", "", value)
            kind = _phone_kind(number) if kind == "phone" else kind
            hit = len(_digits(number)) >= 7 and number.upper() in squashed_numbers.upper()
        else:
            hit = _squash(value) in squashed
        if hit:
            found.setdefault(_key(kind, value), Finding(kind, value))
    return sorted(found.values(), key=lambda f: (KIND_ORDER.index(f.kind), f.value))


def _phone_kind(number: str) -> str:
    return "mobile" if re.fullmatch(r"(?:\+?86)?1[3-9]\d{9}", number) else "landline"


def mask(value: str) -> str:
    """A value shown to staff in lists with its middle hidden."""
    if len(value) <= 2:
        return value[0] + "*"
    keep = max(1, len(value) // 4)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


# --- The parties of a case ---------------------------------------------------------------------------

# case -> [(kind, value)]: the known values a domain above adds (consultations: the third parties asked)
PartySource = Callable[[object], Iterable[tuple[str, str]]]
_PARTY_SOURCES: list[PartySource] = []


def add_party_source(source: PartySource) -> None:
    """Let a domain name the persons it holds on a case (kind is name, address, phone, email or id_number)."""
    if source not in _PARTY_SOURCES:
        _PARTY_SOURCES.append(source)


def applicant_values(case) -> list[tuple[str, str]]:
    """The applicant's name, contact person, ID number, phone, e-mail and address."""
    return [("name", case.applicant_name), ("name", case.contact_person), ("id_number", case.id_number),
            ("phone", case.phone), ("email", case.email), ("address", case.address)]


def party_values(cases: Iterable) -> list[tuple[str, str]]:
    """Every party's known values on these cases (the applicant, third parties consulted, ...), each once."""
    values: dict[tuple[str, str], None] = {}
    for case in cases:
        for kind, value in applicant_values(case) + [v for source in _PARTY_SOURCES for v in source(case)]:
            value = (value or "").strip()
            if len(value) >= 2:
                values[(kind, value)] = None
    return list(values)
