"""Identity numbers: resident ID and unified social credit code checks, masking, query codes."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

# GB 11643-1999: weights and check characters of the 18-digit resident identity number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB 32100-2015: the unified social credit code alphabet (no I, O, Z, S, V) and weights.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Query codes avoid look-alike characters (0/O, 1/I/L, 5/S, 2/Z, 8/B).
QUERY_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
QUERY_CODE_LENGTH = 10
_PBKDF2_ROUNDS = 20_000


def valid_resident_id(value: str) -> bool:
    """Whether an 18-character resident ID number has a real birth date and the right check digit."""
    value = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def valid_uscc(value: str) -> bool:
    """Whether an 18-character unified social credit code has the right check character."""
    value = value.strip().upper()
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return _USCC_ALPHABET[check] == value[17]


def mask_id(value: str | None) -> str:
    """Mask an ID number for display outside the case page: keep the first 3 and last 4 characters."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def applicant_key(applicant_type: str, id_number: str | None, org_code: str | None, name: str, phone: str | None) -> str:
    """A normalised identity used to find the same applicant's other requests."""
    if applicant_type == "natural_person" and id_number:
        return "id:" + id_number.strip().upper()
    if org_code:
        return "org:" + org_code.strip().upper()
    return "name:" + hashlib.sha256(f"{name.strip()}|{(phone or '').strip()}".encode()).hexdigest()[:40]


def new_query_code() -> str:
    """A random query code (10 characters, about 46 bits) from the unambiguous alphabet."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def normalise_query_code(code: str) -> str:
    """Upper-case and drop spaces and dashes, so a code read aloud or copied still matches."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def hash_query_code(code: str) -> str:
    """Salted PBKDF2 of the query code; the code itself is never stored."""
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", normalise_query_code(code).encode(), salt.encode(), _PBKDF2_ROUNDS)
    return f"pbkdf2_sha256${_PBKDF2_ROUNDS}${salt}${digest.hex()}"


def check_query_code(code: str, stored: str) -> bool:
    """Whether `code` matches the stored hash (constant-time comparison)."""
    try:
        _algo, rounds, salt, expected = stored.split("$")
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", normalise_query_code(code).encode(), salt.encode(), int(rounds))
    return hmac.compare_digest(digest.hex(), expected)


def format_tracking_number(pattern: str, prefix: str, year: int, seq: int) -> str:
    """Render an agency's tracking-number pattern, e.g. '{prefix}-{year}-{seq:06d}'."""
    return pattern.format(prefix=prefix, year=year, seq=seq)
