"""Letters issued to the applicant appear on the tracking page and download only in an unlocked session."""
from __future__ import annotations

from caseapp.core.clock import local_today
from caseapp.letters import operations as letter_ops
from tests.intake.portal_helpers import unlock


def _issue_reply(db, case, supervisor):
    letter = letter_ops.draft_letter(case, actor=case.clerk, template="disclosed",
                                     fields={"provided": "《示范市2026年义务教育阶段学校招生入学工作实施意见》。"})
    letter_ops.submit_letter(letter, actor=case.clerk)
    letter_ops.approve_letter(letter, actor=supervisor)
    letter_ops.issue_letter(letter, actor=case.clerk, delivery={"method": "online", "date": local_today().isoformat()})
    db.session.commit()
    return letter


def test_issued_reply_is_listed_and_downloads(client, db, make_case, make_user):
    case = make_case(status="in_progress", received_on=local_today(), today=local_today())
    letter = _issue_reply(db, case, make_user("supervisor", agency=case.agency))
    pdf_url = f"/track/{case.tracking_number}/letters/{letter.id}.pdf"
    assert client.get(pdf_url).status_code in (302, 404)  # not unlocked yet
    page = client.get(unlock(client, case.tracking_number, case.query_code).headers["Location"])
    html = page.get_data(as_text=True)
    assert "政府信息公开申请答复书" in html and letter.number in html and pdf_url in html
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    docx = client.get(f"/track/{case.tracking_number}/letters/{letter.id}.docx")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert client.get(f"/track/{case.tracking_number}/letters/{letter.id + 1}.pdf").status_code == 404


def test_draft_letters_are_not_shown_to_the_applicant(client, db, make_case):
    case = make_case(status="in_progress", received_on=local_today(), today=local_today())
    draft = letter_ops.draft_letter(case, actor=case.clerk, template="disclosed", fields={})
    db.session.commit()
    page = client.get(unlock(client, case.tracking_number, case.query_code).headers["Location"])
    assert "政府信息公开申请答复书" not in page.get_data(as_text=True)
    assert client.get(f"/track/{case.tracking_number}/letters/{draft.id}.pdf").status_code == 404
