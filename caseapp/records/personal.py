"""The redaction check: personal data in a public entry's text and its documents (pure functions).

Finds resident ID numbers (with a valid check digit), mobile and landline numbers, e-mail
addresses, bank card numbers (valid by the Luhn check) and the names and addresses of the
applicants of the linked requests. Text of PDF documents is read with pypdf.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])"
                   r"(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![\d])(?:\+?86[-\s]?)?(1[3-9]\d[-\s]?\d{4}[-\s]?\d{4})(?!\d)")
LANDLINE_RE = re.compile(r"(?<![\d])((?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-－—\s])\s?[2-9]\d{6,7}(?:-\d{1,5})?)(?!\d)")
LOCAL_PHONE_RE = re.compile(r"(?:电话|手机|联系方式|TEL|Tel|tel)[:：\s]*([2-9]\d{6,7})(?!\d)")
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
CARD_RE = re.compile(r"(?<![\d])((?:\d[ -]?){15,18}\d)(?!\d)")

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
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


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


def find_personal_data(text: str, known: Iterable[tuple[str, str]] = ()) -> list[Finding]:
    """Personal details found in `text`; `known` adds (kind, value) pairs to look for literally
    (the applicants' names and addresses). Each value is reported once."""
    text = text or ""
    found: dict[tuple[str, str], Finding] = {}
    ids = set()
    for m in ID_RE.finditer(text):
        if valid_resident_id(m.group(1)):
            ids.add(m.group(1).upper())
            found[("id_number", m.group(1))] = Finding("id_number", m.group(1))
    for m in CARD_RE.finditer(text):
        digits = _digits(m.group(1))
        if 16 <= len(digits) <= 19 and digits not in ids and luhn_valid(digits) and not valid_resident_id(digits):
            found[("bank_card", m.group(1))] = Finding("bank_card", m.group(1).strip())
    for m in MOBILE_RE.finditer(text):
        found[("mobile", m.group(1))] = Finding("mobile", m.group(1))
    for regex in (LANDLINE_RE, LOCAL_PHONE_RE):
        for m in regex.finditer(text):
            value = m.group(1).strip()
            if len(_digits(value)) >= 7 and not any(value in f.value for f in found.values()):
                found[("landline", value)] = Finding("landline", value)
    for m in EMAIL_RE.finditer(text):
        found[("email", m.group(1))] = Finding("email", m.group(1))
    for kind, value in known:
        value = (value or "").strip()
        if len(value) >= 2 and value in text:
            found.setdefault((kind, value), Finding(kind, value))
    return sorted(found.values(), key=lambda f: (KIND_ORDER.index(f.kind), f.value))


def pdf_text(data: bytes) -> str:
    """The text of a PDF and of its document information (author, title, subject, keywords), which a
    download also carries; empty when it has none, e.g. a scan without a text layer."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    info = reader.metadata or {}
    meta = [str(info.get(key) or "") for key in ("/Author", "/Title", "/Subject", "/Keywords", "/Creator")]
    return "\n".join([*(m for m in meta if m), *((page.extract_text() or "") for page in reader.pages)])


def mask(value: str) -> str:
    """A value shown to staff in lists with its middle hidden."""
    if len(value) <= 2:
        return value[0] + "*"
    keep = max(1, len(value) // 4)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]
