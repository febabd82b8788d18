"""Public verification of issued letters (核验文书): is this file one the app issued, and is its
seal signature intact? Reads only. It names a letter's number, agency and issue date, never
anything about the applicant or the request.

A file is the one issued when its SHA-256 is that of an issued letter's frozen PDF (the signed
file, letters/operations.py issue_letter); the seal signature is checked on top of that and its
certificate reported as official or development (letters/seal.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.core.filestore import open_path
from caseapp.extensions import db
from caseapp.letters.models import Letter
from caseapp.letters.seal import SignatureCheck, check_signature
from caseapp.letters.states import LetterStatus

MAX_NUMBER_CHARS = 100  # Letter.number's column
MAX_MATCHES = 5


@dataclass(frozen=True)
class IssuedLetter:
    number: str
    agency: str
    issued_on: date
    sha256: str
    signature: SignatureCheck


@dataclass(frozen=True)
class FileVerification:
    sha256: str
    issued: IssuedLetter | None  # the issued letter the file is, or None
    signature: SignatureCheck  # of the file as uploaded

    @property
    def genuine(self) -> bool:
        """The file is an issued letter's frozen PDF, and its seal signature (if it has one) is valid."""
        return self.issued is not None and (not self.signature.signed or self.signature.valid)


def _issued(statement: sa.Select) -> list[tuple[Letter, str]]:
    q = (statement.join(Agency, Agency.id == Letter.agency_id)
         .where(Letter.status == LetterStatus.ISSUED, Letter.pdf_key.is_not(None))
         .order_by(Letter.issued_on.desc(), Letter.id.desc()).limit(MAX_MATCHES))
    return [(row[0], row[1]) for row in db.session.execute(q)]


def issued_letters_with_digest(sha256: str) -> list[tuple[Letter, str]]:
    """Issued letters whose frozen PDF has this SHA-256, with their agency's name."""
    return _issued(sa.select(Letter, Agency.name).where(Letter.pdf_sha256 == sha256))


def issued_letters_numbered(number: str) -> list[tuple[Letter, str]]:
    """Issued letters with this number (文号; agencies may share a pattern), with their agency's name."""
    return _issued(sa.select(Letter, Agency.name).where(Letter.number == number))


def _describe(letter: Letter, agency_name: str, signature: SignatureCheck | None = None) -> IssuedLetter:
    if signature is None:
        try:
            signature = check_signature(open_path(letter.pdf_key).read_bytes())
        except OSError:  # the frozen file is gone (a restore without the data directory): say not valid
            signature = SignatureCheck(False, False)
    return IssuedLetter(letter.number, agency_name, letter.issued_on, letter.pdf_sha256, signature)


def verify_file(data: bytes) -> FileVerification:
    """Whether the bytes are an issued letter's frozen PDF, and whether their seal signature is valid."""
    digest = hashlib.sha256(data).hexdigest()
    signature = check_signature(data)
    found = issued_letters_with_digest(digest)
    issued = _describe(*found[0], signature=signature) if found else None
    return FileVerification(digest, issued, signature)


def normalise_number(number: str) -> str:
    """A typed letter number as stored: trimmed, the usual look-alike brackets made 〔〕."""
    text = "".join((number or "").split())[:MAX_NUMBER_CHARS]
    for wrong, right in (("[", "〔"), ("]", "〕"), ("［", "〔"), ("］", "〕"), ("【", "〔"), ("】", "〕"),
                         ("(", "〔"), (")", "〕"), ("（", "〔"), ("）", "〕")):
        text = text.replace(wrong, right)
    return text


def verify_number(number: str) -> list[IssuedLetter]:
    """The issued letters with this number (usually one), each with its frozen file's digest and
    the state of that file's seal signature."""
    number = normalise_number(number)
    if not number:
        return []
    return [_describe(letter, name) for letter, name in issued_letters_numbered(number)]
