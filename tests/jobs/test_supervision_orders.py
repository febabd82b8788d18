"""Supervision orders as a list (issue 26, item 4): supervisors (and admins) list the orders with
their number, case, days overdue, handler, state and feedback; the case's handler answers an order
with feedback and a supervisor closes it, each one action through the runner and one audit event."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from tests.jobs.supervision_helpers import open_order


@pytest.fixture
def world(db, make_agency, make_user, make_case):
    a = make_agency("AGA", "示范市教育局")
    users = {role: make_user(role, agency=a, username=f"a_{role}")
             for role in ("clerk", "supervisor", "liaison", "auditor", "admin")}
    users["other_clerk"] = make_user("clerk", agency=a, username="a_clerk2")
    case = make_case("in_progress", agency=a, handler=users["clerk"])
    order = open_order(case)
    return {"a": a, "users": users, "case": case, "order": order, "make_case": make_case}


def _events(db, case, code):
    from caseapp.core.audit import AuditEvent

    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                          AuditEvent.action == code)).all()


def _post(client, url, data=None):
    token = csrf_from(client.get("/office/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def test_the_list_shows_number_case_days_overdue_handler_state_and_feedback(client, db, login, world):
    order, case = world["order"], world["case"]
    order.due_on = case.due_on - timedelta(days=30)  # as if the case had run 30 days past a due date
    db.session.commit()
    from caseapp.core.clock import local_today

    assert order.days_overdue(local_today()) == (local_today() - order.due_on).days > 0
    login(world["users"]["supervisor"])
    html = client.get("/office/supervision/orders").get_data(as_text=True)
    assert order.number in html and order.number.startswith("督办〔")
    assert f'href="/office/cases/{case.tracking_number}"' in html
    assert f'<td class="text-end">{order.days_overdue(local_today())}</td>' in html
    assert world["users"]["clerk"].display_name in html
    assert "待反馈" in html and "尚未反馈" in html
    for code in (">open<", ">answered<", ">closed<", "supervision_order"):
        assert code not in html  # never an internal code
    # The supervisors' navigation leads to it: the supervision page's tab.
    assert 'href="/office/supervision/orders"' in client.get("/office/supervision").get_data(as_text=True)


def test_the_list_filters_by_state(client, db, login, world):
    answered_case = world["make_case"]("in_progress", agency=world["a"], handler=world["users"]["clerk"])
    answered = open_order(answered_case, answered=True)
    login(world["users"]["admin"])
    html = client.get("/office/supervision/orders?state=answered").get_data(as_text=True)
    assert answered.number in html and world["order"].number not in html
    assert "已补充检索" in html and "已反馈" in html
    assert client.get("/office/supervision/orders?state=nonsense").status_code == 404


@pytest.mark.parametrize("role", ["clerk", "auditor", "liaison"])
def test_the_list_is_refused_to_clerks_auditors_and_liaisons(client, login, world, role):
    login(world["users"][role])
    assert client.get("/office/supervision/orders").status_code == 403
    assert 'href="/office/supervision/orders"' not in client.get("/office/").get_data(as_text=True)


def test_the_handler_answers_from_the_case_page(client, db, login, world):
    case, order = world["case"], world["order"]
    login(world["users"]["clerk"])
    page = client.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    assert 'id="supervision-feedback-form"' in page
    resp = _post(client, f"/office/supervision/orders/{order.id}/feedback",
                 {"feedback": "  已完成检索，预计12月15日前答复。 ", "back": "case"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/office/cases/{case.tracking_number}#supervision-order")
    db.session.rollback()
    assert (order.state, order.feedback, order.feedback_by_id) == ("answered", "已完成检索，预计12月15日前答复。",
                                                                   world["users"]["clerk"].id)
    [event] = _events(db, case, "supervision.answered")
    assert event.actor_id == world["users"]["clerk"].id and event.after["feedback"].startswith("已完成检索")
    page = client.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    assert "承办人反馈" in page and "预计12月15日前答复" in page


def test_an_empty_feedback_is_refused_with_the_reason(client, db, login, world):
    login(world["users"]["clerk"])
    _post(client, f"/office/supervision/orders/{world['order'].id}/feedback", {"feedback": "  "})
    with client.session_transaction() as sess:
        messages = [m for cat, m in sess.get("_flashes", []) if cat == "danger"]
    assert messages and "请填写已办理的情况" in messages[0]
    db.session.rollback()
    assert world["order"].feedback is None and not _events(db, world["case"], "supervision.answered")


@pytest.mark.parametrize("who", ["other_clerk", "supervisor", "auditor", "liaison", "admin"])
def test_only_the_cases_handler_answers(client, db, login, world, who):
    login(world["users"][who])
    resp = _post(client, f"/office/supervision/orders/{world['order'].id}/feedback", {"feedback": "代为反馈。"})
    assert resp.status_code == 403
    db.session.rollback()
    assert world["order"].feedback is None and not _events(db, world["case"], "supervision.answered")


def test_a_supervisor_closes_an_answered_order(app, client, db, login, world):
    from caseapp.core.clock import local_today

    order, case = world["order"], world["case"]
    login(world["users"]["supervisor"])
    # Not before the handler answered: refused with the reason, nothing written.
    _post(client, f"/office/supervision/orders/{order.id}/close")
    with client.session_transaction() as sess:
        assert any("尚未反馈" in m for cat, m in sess.get("_flashes", []) if cat == "danger")
    db.session.rollback()
    assert order.state == "open" and not _events(db, case, "supervision.concluded")

    from caseapp.jobs.supervision import answer_supervision_order
    answer_supervision_order(order, actor=world["users"]["clerk"], feedback="已答复。")
    db.session.commit()
    resp = _post(client, f"/office/supervision/orders/{order.id}/close")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/office/supervision/orders")
    db.session.rollback()
    assert (order.state, order.closed_on, order.closed_by_id) == ("closed", local_today(),
                                                                  world["users"]["supervisor"].id)
    assert len(_events(db, case, "supervision.concluded")) == 1
    html = client.get("/office/supervision/orders").get_data(as_text=True)
    assert "已办结" in html and "办结督办单</button>" not in html
    # A closed order takes no more feedback.
    clerk = app.test_client()
    login(world["users"]["clerk"], c=clerk)
    _post(clerk, f"/office/supervision/orders/{order.id}/feedback", {"feedback": "补充。"})
    db.session.rollback()
    assert order.feedback == "已答复。"


@pytest.mark.parametrize("who", ["clerk", "auditor", "liaison", "admin"])
def test_only_a_supervisor_closes(client, db, login, world, who):
    order = world["order"]
    from caseapp.jobs.supervision import answer_supervision_order
    answer_supervision_order(order, actor=world["users"]["clerk"], feedback="已答复。")
    db.session.commit()
    login(world["users"][who])
    assert _post(client, f"/office/supervision/orders/{order.id}/close").status_code == 403
    db.session.rollback()
    assert order.closed_on is None and not _events(db, world["case"], "supervision.concluded")


def test_another_agencys_supervisor_cannot_see_or_close(client, db, login, world, make_user, make_agency):
    other = make_user("supervisor", agency=make_agency("AGB"), username="b_supervisor")
    login(other)
    assert world["order"].number not in client.get("/office/supervision/orders").get_data(as_text=True)
    assert _post(client, f"/office/supervision/orders/{world['order'].id}/close").status_code == 404


def test_the_staff_api_runs_the_same_actions(client, db, world):
    from caseapp.accounts.operations import create_token

    case, order = world["case"], world["order"]
    url = f"/api/v1/cases/{case.tracking_number}/actions"
    clerk = {"Authorization": f"Bearer {create_token(world['users']['clerk'])}"}
    supervisor = {"Authorization": f"Bearer {create_token(world['users']['supervisor'])}"}
    db.session.commit()

    def post(headers, **body):
        db.session.rollback()
        return client.post(url, headers=headers, json={"version": case.version, "order_id": order.id, **body})

    assert post(supervisor, action="conclude_supervision_order").status_code == 409  # not answered yet
    assert post(clerk, action="answer_supervision_order", feedback="  ").status_code == 422
    resp = post(clerk, action="answer_supervision_order", feedback="已答复。")
    assert resp.status_code == 200 and resp.json["result"]["state"] == "answered"
    assert post(clerk, action="conclude_supervision_order").status_code == 403
    resp = post(supervisor, action="conclude_supervision_order")
    assert resp.status_code == 200 and resp.json["result"]["state"] == "closed"
    assert post(clerk, action="answer_supervision_order", feedback="x").status_code == 409  # closed
    assert post(clerk, action="answer_supervision_order", order_id=999999, feedback="x").status_code == 404


def test_the_case_closing_still_closes_an_order_without_a_supervisor(db, world):
    from caseapp.cases import operations as ops
    from caseapp.core.clock import local_today

    ops.close_case(world["case"], actor=world["users"]["clerk"], outcome="disclosed", today=local_today())
    db.session.commit()
    db.session.rollback()
    assert world["order"].state == "closed" and world["order"].closed_by_id is None


def test_the_dashboards_order_figure_opens_the_handlers_unclosed_orders(client, db, login, world, make_user):
    from caseapp.jobs.supervision import conclude_supervision_order
    from caseapp.core.clock import local_today

    users = world["users"]
    done_case = world["make_case"]("in_progress", agency=world["a"], handler=users["clerk"])
    done = open_order(done_case, answered=True)
    conclude_supervision_order(done, actor=users["supervisor"], today=local_today())
    theirs = open_order(world["make_case"]("in_progress", agency=world["a"], handler=users["other_clerk"]))
    db.session.commit()
    login(users["supervisor"])
    board = client.get("/office/supervision").get_data(as_text=True)
    link = f'/office/supervision/orders?state=unclosed&amp;handler={users["clerk"].id}'
    assert f'href="{link}"' in board
    html = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert world["order"].number in html and done.number not in html and theirs.number not in html
    assert "未办结" in html and "显示全部承办人" in html
    assert client.get("/office/supervision/orders?handler=x1").status_code == 404


def test_the_printed_order_carries_its_number_and_the_handlers_feedback(client, db, login, world):
    import io

    from pypdf import PdfReader

    from caseapp.jobs.supervision import answer_supervision_order

    answer_supervision_order(world["order"], actor=world["users"]["clerk"], feedback="已发征求意见函。")
    db.session.commit()
    login(world["users"]["supervisor"])
    pdf = client.get(f"/office/cases/{world['case'].tracking_number}/supervision-order.pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert len(reader.pages) == 1
    assert world["order"].number in text and "已发征求意见函" in text and "承办人已反馈" in text
