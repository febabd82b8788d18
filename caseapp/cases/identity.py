"""Identity numbers: resident ID and unified social credit code checks, masking, query codes."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date
from functools import lru_cache

from flask import current_app

# GB 11643-1999: weights and check characters of the 18-digit resident identity number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB 32100-2015: the unified social credit code alphabet (no I, O, Z, S, V) and weights.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Query codes avoid look-alike characters (0/O, 1/I/L, 5/S, 2/Z, 8/B).
QUERY_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
QUERY_CODE_LENGTH = 10
_PBKDF2_ROUNDS = 20_000


def resident_id_check(body: str) -> str:
    """The check character (GB 11643) of the first 17 digits of a resident ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def make_resident_id(region: str, born: date, sequence: int) -> str:
    """A resident ID number from its 6-digit region code, birth date and sequence (0-999), with its check digit."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + resident_id_check(body)


def uscc_check(body: str) -> str:
    """The check character (GB 32100) of the first 17 characters of a unified social credit code."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(body: str) -> str:
    """A unified social credit code from its first 17 characters (of USCC_ALPHABET), with its check character."""
    return body + uscc_check(body)


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
    return resident_id_check(value[:17]) == value[17]


def uscc_problem(value: str) -> str | None:
    """Why a unified social credit code is invalid: "length" (not 18 characters), "characters" (one
    outside the GB 32100 alphabet) or "check" (a wrong last character); None when it is valid."""
    value = value.strip().upper()
    if len(value) != 18:
        return "length"
    if any(c not in USCC_ALPHABET for c in value):
        return "characters"
    return None if uscc_check(value[:17]) == value[17] else "check"


def valid_uscc(value: str) -> bool:
    """Whether an 18-character unified social credit code has the right check character."""
    return uscc_problem(value) is None


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


# Query codes are random (about 46 bits) and lookups are rate-limited, so a keyed hash is enough:
# HMAC-SHA256 under a server-side key costs microseconds where PBKDF2 cost 10-14 ms a lookup.
# The stored string starts with its scheme; PBKDF2 hashes from before still verify, and
# query_code_needs_upgrade() tells the caller to store the HMAC form after a successful lookup.
HMAC_SCHEME = "hmac_sha256"
PBKDF2_SCHEME = "pbkdf2_sha256"


def query_code_key() -> bytes:
    """The server-side HMAC key: CASEAPP_QUERY_CODE_KEY, else one derived from SECRET_KEY."""
    return _derived_key(current_app.config.get("QUERY_CODE_KEY"), current_app.config["SECRET_KEY"])


@lru_cache(maxsize=8)
def _derived_key(key: str | bytes | None, secret: str | bytes) -> bytes:
    if key:
        return key.encode() if isinstance(key, str) else bytes(key)
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret, b"caseapp query code key v1", hashlib.sha256).digest()


def _hmac_digest(code: str) -> str:
    return hmac.new(query_code_key(), normalise_query_code(code).encode(), hashlib.sha256).hexdigest()


def hash_query_code(code: str) -> str:
    """The stored form of a query code: HMAC-SHA256 under the server key; the code itself is never stored."""
    return f"{HMAC_SCHEME}${_hmac_digest(code)}"


def hash_query_code_pbkdf2(code: str, *, rounds: int = _PBKDF2_ROUNDS) -> str:
    """The former stored form (salted PBKDF2), still verified; kept to build and test old records."""
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", normalise_query_code(code).encode(), salt.encode(), rounds)
    return f"{PBKDF2_SCHEME}${rounds}${salt}${digest.hex()}"


def check_query_code(code: str, stored: str | None) -> bool:
    """Whether `code` matches the stored hash (constant-time comparison).

    With `stored` None (no such tracking number) the same HMAC is computed against nothing, so an
    unknown number costs what a wrong code costs and timing does not tell which numbers exist.
    """
    if stored is None or stored.startswith(HMAC_SCHEME + "$"):
        digest = _hmac_digest(code)
        expected = stored[len(HMAC_SCHEME) + 1:] if stored else "0" * 64
        return hmac.compare_digest(digest, expected) and stored is not None
    try:
        algo, rounds, salt, expected = stored.split("$")
        rounds_n = int(rounds)
    except ValueError:
        return False
    if algo != PBKDF2_SCHEME or not 0 < rounds_n <= 1_000_000:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", normalise_query_code(code).encode(), salt.encode(), rounds_n)
    return hmac.compare_digest(digest.hex(), expected)


def query_code_needs_upgrade(stored: str) -> bool:
    """Whether a stored hash is in an older scheme and should be replaced after a successful check."""
    return not stored.startswith(HMAC_SCHEME + "$")


def format_tracking_number(pattern: str, prefix: str, year: int, seq: int) -> str:
    """Render an agency's tracking-number pattern, e.g. '{prefix}-{year}-{seq:06d}'."""
    return pattern.format(prefix=prefix, year=year, seq=seq)
