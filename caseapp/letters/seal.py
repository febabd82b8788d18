"""The agency's electronic seal: its signing key and certificate, its seal image, and the PAdES
signature of an issued letter (issue 22 item 3).

Each agency's seal lives in the seal directory (config SEAL_DIR, env CASEAPP_SEAL_DIR), never in
the database, under the agency's code:

    <SEAL_DIR>/<CODE>.p12    PKCS#12: the signing key, its certificate and any intermediates
    <SEAL_DIR>/<CODE>.png    the seal image printed over the signature and date
    <SEAL_DIR>/<CODE>.pass   the P12's passphrase (one line), unless CASEAPP_SEAL_PASSPHRASE_<CODE>
                             is set in the environment, which wins

An agency has a seal when both the P12 and the image are there; one without the other refuses
issuing (an image without a signature would be a picture anyone can copy; a signature without the
image would print the placeholder on a signed letter). Without either, letters are issued unsigned
with the printed placeholder (an office that stamps the paper copy by hand).

The signature is PAdES B-B (pyHanko, an invisible field: the seal image is in the page content).
pyHanko signs with RSA, DSA, ECDSA or EdDSA keys; it has no SM2/SM3 (GB/T 38540 seals): see README.
"""
from __future__ import annotations

import base64
import io
import math
import os
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from caseapp.core.clock import utcnow
from caseapp.core.errors import DomainError, ValidationError

# The subject of every development certificate says so (the verification page reads it back).
DEVELOPMENT_MARK = "开发测试用"
SIGNATURE_FIELD = "AgencySeal"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FONT = Path(__file__).resolve().parents[1] / "static" / "fonts" / "caseapp-serif-sc-bold.otf"
MAX_SEAL_IMAGE_BYTES = 2 * 1024 * 1024


class SealError(DomainError):
    """The agency's seal files are missing, incomplete or do not open."""

    status_code = 409
    code = "seal_error"


def _code(code: str) -> str:
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9_-]{1,40}", code):
        raise ValueError(f"not an agency code: {code!r}")
    return code


def seal_dir() -> Path | None:
    """The configured seal directory, or None when the app has none (no agency then has a seal)."""
    value = current_app.config.get("SEAL_DIR")
    return Path(value) if value else None


def seal_paths(code: str) -> dict[str, Path] | None:
    """The agency's P12, image and passphrase file paths (which need not exist)."""
    root = seal_dir()
    if root is None:
        return None
    code = _code(code)
    return {"p12": root / f"{code}.p12", "image": root / f"{code}.png", "passphrase": root / f"{code}.pass"}


def passphrase_env_name(code: str) -> str:
    """The environment variable holding the agency's P12 passphrase."""
    return "CASEAPP_SEAL_PASSPHRASE_" + re.sub(r"[^A-Z0-9]", "_", _code(code))


def configured_passphrase(code: str) -> bytes | None:
    """The P12's passphrase: CASEAPP_SEAL_PASSPHRASE_<CODE>, else <SEAL_DIR>/<CODE>.pass; None if neither."""
    value = os.environ.get(passphrase_env_name(code))
    if value is not None:
        return value.encode("utf-8")
    paths = seal_paths(code)
    if paths and paths["passphrase"].is_file():
        return paths["passphrase"].read_text(encoding="utf-8").strip("\r\n").encode("utf-8")
    return None


def _open_p12(data: bytes, passphrase: bytes | None):
    """(key, certificate, other certificates) of PKCS#12 bytes; SealError if it does not open."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except (ValueError, TypeError):
        raise SealError(_l("The PKCS#12 file does not open with the configured passphrase (or is not a "
                           "PKCS#12 file).")) from None
    if key is None or cert is None:
        raise SealError(_l("The PKCS#12 file must hold the signing key and its certificate."))
    return key, cert, extra


def check_p12(code: str, data: bytes) -> str:
    """Check that P12 bytes open with the agency's configured passphrase and hold a key and its
    certificate; returns the certificate's subject. SealError otherwise."""
    passphrase = configured_passphrase(code)
    if passphrase is None:
        raise SealError(_l("No passphrase is configured for this agency's seal: set %(env)s or write it "
                           "to %(file)s.", env=passphrase_env_name(code), file=str(seal_paths(code)["passphrase"])))
    _key, cert, _extra = _open_p12(data, passphrase)
    return cert.subject.rfc4514_string()


def check_png(data: bytes) -> tuple[int, int]:
    """Check that bytes are a PNG image by their content; returns (width, height). ValidationError otherwise."""
    from PIL import Image

    if not data.startswith(PNG_MAGIC):
        raise ValidationError(_l("The seal image must be a PNG file."))
    if len(data) > MAX_SEAL_IMAGE_BYTES:
        raise ValidationError(_l("The seal image is larger than 2 MB."))
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            size = img.size
    except Exception:  # Pillow raises many kinds for a damaged file
        raise ValidationError(_l("The seal image must be a PNG file.")) from None
    if min(size) < 100:
        raise ValidationError(_l("The seal image is too small (at least 100 × 100 pixels)."))
    return size


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # keys: the owner only
    tmp = path.with_name(path.name + f".{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


def install_seal(code: str, *, p12: bytes | None = None, image: bytes | None = None) -> list[str]:
    """Check, then copy the agency's P12 and/or seal image into the seal directory under its code
    (both checked before either is written). Returns what was written. SealError/ValidationError
    when a file is refused: nothing is written then."""
    paths = seal_paths(code)
    if paths is None:
        raise SealError(_l("No seal directory is configured (CASEAPP_SEAL_DIR)."))
    if p12 is not None:
        check_p12(code, p12)
    if image is not None:
        check_png(image)
    written = []
    if p12 is not None:
        _write_private(paths["p12"], p12)
        written.append(str(paths["p12"]))
    if image is not None:
        _write_private(paths["image"], image)
        written.append(str(paths["image"]))
    return written


@dataclass(frozen=True)
class AgencySeal:
    code: str
    image_png: bytes
    p12: bytes
    passphrase: bytes | None

    def image_data_uri(self) -> str:
        """The seal image as a data: URI (the letter's HTML carries it, so PDF and DOCX agree)."""
        return "data:image/png;base64," + base64.b64encode(self.image_png).decode("ascii")


def agency_seal_missing(code: str) -> str | None:
    """The file an agency's half-installed seal lacks (its path), or None when it has both or neither."""
    paths = seal_paths(code)
    if paths is None or paths["p12"].is_file() == paths["image"].is_file():
        return None
    return str(paths["image" if paths["p12"].is_file() else "p12"])


def agency_seal(code: str) -> AgencySeal | None:
    """The agency's seal when it has one (P12 and image), None when it has none; SealError when
    only one of them is there or the P12 does not open."""
    paths = seal_paths(code)
    if paths is None:
        return None
    has_p12, has_image = paths["p12"].is_file(), paths["image"].is_file()
    if not has_p12 and not has_image:
        return None
    if not (has_p12 and has_image):
        raise SealError(_l("The agency's seal is incomplete: %(file)s is missing. Add it with "
                           "update-agency --seal-p12/--seal-image, or remove the other file.",
                           file=str(paths["image" if has_p12 else "p12"])))
    seal = AgencySeal(_code(code), paths["image"].read_bytes(), paths["p12"].read_bytes(), configured_passphrase(code))
    _open_p12(seal.p12, seal.passphrase)  # refuse now, before anything is numbered
    return seal


def sign_pdf(pdf: bytes, seal: AgencySeal, *, signer_name: str, reason: str = "依申请公开文书签发") -> bytes:
    """The PDF with the agency's PAdES signature (B-B, SHA-256, an invisible field) appended as an
    incremental update: the signed bytes are everything the renderer wrote."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12_data(seal.p12, other_certs=(), passphrase=seal.passphrase)
    if signer is None:
        raise SealError(_l("The agency's seal certificate does not open."))
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, name=signer_name, reason=reason,
                                        md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES)
    out = _outside_event_loop(
        lambda: signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), meta, signer=signer))
    return out.getvalue()


def _outside_event_loop(work):
    """Run pyHanko's synchronous API, which calls asyncio.run(): in a worker thread when this thread
    already runs an event loop (an async server, or a test process that drives a browser)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool  # the file carries our signature field
    valid: bool  # the signature is intact and cryptographically valid over the whole file
    subject: str = ""  # the signing certificate's subject
    development: bool = False  # signed with a development certificate (make run), not an official one


def check_signature(pdf: bytes) -> SignatureCheck:
    """Whether the PDF's seal signature is intact and valid over the whole file (no trust decision:
    the SHA-256 of the frozen file decides whether it is one the app issued)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        sigs = [s for s in PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
                if s.field_name == SIGNATURE_FIELD]
    except Exception:  # a damaged file is simply not validly signed
        return SignatureCheck(False, False)
    if not sigs:
        return SignatureCheck(False, False)
    sig = sigs[-1]
    try:
        cert = sig.signer_cert
        subject = cert.subject.human_friendly
        status = _outside_event_loop(
            lambda: validate_pdf_signature(sig, ValidationContext(trust_roots=[cert], allow_fetching=False)))
        valid = bool(status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
    except Exception:
        return SignatureCheck(True, False)
    return SignatureCheck(True, valid, subject, DEVELOPMENT_MARK in subject)


# --- Development seals (make run) ----------------------------------------------------------------

def development_p12(agency_name: str, passphrase: bytes) -> bytes:
    """A self-signed RSA certificate and key for the agency, its subject marked 开发测试用 /
    development only, as PKCS#12 under the passphrase."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def fit(text: str, suffix: str = "") -> str:  # X.520 bounds: at most 64 (UTF-8 bytes, as checked here)
        while len((text + suffix).encode("utf-8")) > 64:
            text = text[:-1]
        return text + suffix

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, fit(agency_name)),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"{DEVELOPMENT_MARK} development only, not official"),
        x509.NameAttribute(NameOID.COMMON_NAME, fit(agency_name, f"（{DEVELOPMENT_MARK}）")),
    ])
    now = utcnow()
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # From well before today: the tests and CI run the app at other dates.
        .not_valid_before(now - timedelta(days=800)).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"caseapp-development-seal", key, cert, None, serialization.BestAvailableEncryption(passphrase))


def draw_seal_png(agency_name: str, *, bottom: str = DEVELOPMENT_MARK, size: int = 600) -> bytes:
    """A round red seal: a double ring, the agency's name along the upper arc, a five-pointed star in
    the middle and a line of text under it; transparent outside the ink (PNG)."""
    from PIL import Image, ImageDraw, ImageFont

    red = (200, 16, 16, 235)
    scale = 2  # drawn at twice the size, then reduced: smooth edges
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = s / 2
    ring = s * 0.035
    draw.ellipse((ring / 2, ring / 2, s - ring / 2, s - ring / 2), outline=red, width=int(ring))
    # The five-pointed star.
    outer, inner = s * 0.15, s * 0.15 * 0.382
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(points, fill=red)
    # The name along the upper arc, each character upright to the circle's centre.
    chars = list(agency_name)
    glyph = int(s * (0.13 if len(chars) <= 10 else 0.105))
    font = ImageFont.truetype(str(FONT), glyph)
    radius = c - ring * 1.6 - glyph * 0.62
    span = math.radians(min(260, 30 * len(chars) + 40))
    for i, ch in enumerate(chars):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        tile = Image.new("RGBA", (glyph * 2, glyph * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((glyph, glyph), ch, font=font, fill=red, anchor="mm")
        tile = tile.rotate(-math.degrees(a + math.pi / 2), resample=Image.BICUBIC)
        x, y = c + radius * math.cos(a), c + radius * math.sin(a)
        img.alpha_composite(tile, (int(x - glyph), int(y - glyph)))
    if bottom:
        small = ImageFont.truetype(str(FONT), int(s * 0.075))
        draw.text((c, c + s * 0.29), bottom, font=small, fill=red, anchor="mm")
    img = img.resize((size, size), Image.LANCZOS)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def ensure_development_seal(code: str, agency_name: str) -> bool:
    """Give the agency a development seal (certificate, passphrase file, image) unless it has seal
    files already or no seal directory is configured. True when one was made."""
    paths = seal_paths(code)
    if paths is None or paths["p12"].exists() or paths["image"].exists():
        return False
    passphrase = secrets.token_urlsafe(24)
    if os.environ.get(passphrase_env_name(code)) is None:
        _write_private(paths["passphrase"], (passphrase + "\n").encode("utf-8"))
    else:
        passphrase = os.environ[passphrase_env_name(code)]
    _write_private(paths["p12"], development_p12(agency_name, passphrase.encode("utf-8")))
    _write_private(paths["image"], draw_seal_png(agency_name))
    return True
