"""Helpers shared by the portal tests: files of each accepted type and form round trips."""
from __future__ import annotations

import io
import re
import zipfile

from tests.conftest import VALID_PERSON, csrf_from

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def zip_bytes(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in names.items():
            zf.writestr(name, data)
    return buf.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
OFD = zip_bytes({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})
PLAIN_ZIP = zip_bytes({"readme.txt": b"hello"})


def apply_form(client, agency_code: str | None = None) -> dict:
    """GET /apply and return the hidden values a browser would post back."""
    html = client.get("/apply").get_data(as_text=True)
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="submission_token" value="([^"]+)"', html)
    return {"csrf_token": csrf_from(html), "submission_token": token.group(1),
            **({"agency": agency_code} if agency_code else {})}


def apply_data(client, agency_code: str, **fields) -> dict:
    """A complete, valid online application as the form posts it."""
    data = {**apply_form(client, agency_code), **VALID_PERSON, "delivery": "email", **fields}
    return {k: v for k, v in data.items() if v is not None}


def unlock(client, number: str, code: str):
    """Post the tracking form (as the applicant does) so the session may open the case pages."""
    html = client.get("/track").get_data(as_text=True)
    return client.post("/track", data={"csrf_token": csrf_from(html), "tracking_number": number, "query_code": code})
