"""The PDF receipt (申请接收回执) given to an online applicant right after filing."""
from __future__ import annotations

import io
from datetime import date

import segno
from flask import render_template
from markupsafe import Markup

from caseapp.cases.models import Case
from caseapp.core.urls import public_url
from caseapp.letters import fonts


def qr_data_uri(url: str) -> str:
    """A QR code for `url` as an SVG data URI (crisp at any size, no external request)."""
    qr = segno.make(url, error="m")
    return qr.svg_data_uri(scale=4, border=2)


def tracking_url(case: Case) -> str:
    """The tracking page on the public address (CASEAPP_PUBLIC_URL) with the number filled in (never
    the query code)."""
    return public_url("portal.track", tracking_number=case.tracking_number)


def generate_receipt_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render receipt HTML to PDF bytes with WeasyPrint."""
    from weasyprint import HTML

    out = io.BytesIO()
    HTML(string=html, base_url=base_url).write_pdf(out)
    return out.getvalue()


def render_receipt_pdf(case: Case, query_code: str, *, downloaded_on: date | None = None) -> bytes:
    """The receipt of a case, with its query code and a QR code to the tracking page; `downloaded_on`
    marks a copy downloaded again after a lookup."""
    link = tracking_url(case)
    # The letters' prepared font subsets quickly; the full system CJK fonts take about a second.
    html = render_template("portal/receipt_pdf.html", case=case, query_code=query_code, track_link=link,
                           downloaded_on=downloaded_on,
                           qr=qr_data_uri(link), font_face_css=Markup(fonts.font_face_css()),
                           font_stack=Markup(fonts.font_stack()))  # server constants, not user input
    return generate_receipt_pdf(html)
