"""Fixtures of the disclosure tests: a disclosed request and PDFs made with WeasyPrint."""
from __future__ import annotations

import pytest


@pytest.fixture
def make_pdf():
    """make_pdf(text) -> bytes of a PDF with that text (a CJK font, as the letters use)."""
    from weasyprint import HTML

    def make(text: str) -> bytes:
        body = "".join(f"<p>{line}</p>" for line in text.splitlines())
        html = ("<html><head><meta charset='utf-8'><style>body{font-family:'Noto Serif CJK SC','WenQuanYi Zen Hei',"
                "'WenQuanYi Micro Hei',sans-serif;font-size:12pt}</style></head><body>" + body + "</body></html>")
        return HTML(string=html).write_pdf()

    return make


@pytest.fixture
def disclosed_case(make_agency, make_user, make_case):
    """A request closed as disclosed, with its agency's clerk and supervisor."""
    agency = make_agency("SFJY", "示范市教育局")
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    case = make_case(status="closed", agency=agency, handler=clerk, applicant_name="王小明",
                     address="示范市滨江区长江路88号", phone="13912345678", email="wxm@example.com",
                     description="申请公开示范市教育局关于做好2025年义务教育阶段学校招生入学工作的通知（示教发〔2025〕12号）。")
    case.supervisor = supervisor
    return case


@pytest.fixture
def release_version(db):
    """release_version(case, pdf, title=...) -> a release version (released as it is) of a new record of
    the case, made by the records operations (the runner offers them only while a request is handled;
    the disclosure tests start from closed requests)."""
    from caseapp.cases.attachments import Upload
    from caseapp.records import operations as records_ops

    def make(case, data: bytes, *, title: str = "答复材料", actor=None):
        actor = actor or case.clerk
        record = records_ops.add_record(case, Upload(f"{title}.pdf", data), title=title, actor=actor)
        version = records_ops.release_as_is(case, record, actor=actor)
        db.session.commit()
        return version

    return make
