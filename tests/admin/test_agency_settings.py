"""Agency settings (issue 9 item 17): the admin page, the operation, the CLI; every change audited."""
from __future__ import annotations

from datetime import time

import pytest
import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.accounts.operations import create_agency, update_agency_settings
from caseapp.core.audit import AuditEvent
from caseapp.core.errors import ValidationError
from tests.conftest import csrf_from

FORM = {
    "name": "测试市教育局", "tracking_prefix": "CSJY", "letter_number_pattern": "测教信公〔{year}〕{seq}号",
    "reply_cutoff": "16:30", "reconsideration_body": "测试市人民政府",
    "letter_contact": "联系人：王五；联系电话：0100-5555", "phone": "0100-1234", "address": "人民路1号",
    "due_soon_days": "4", "clerk_reminder_days": "6，3", "supervisor_reminder_days": "1",
    "correction_period_days": "10", "candidate_threshold": "4", "charges_fees": "", "allow_self_approval": "y",
    "retention_years": "30",
}


def _events(agency, action="agency.updated"):
    from caseapp.extensions import db

    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.agency_id == agency.id,
                                                              AuditEvent.action == action).order_by(AuditEvent.id)))


def _post_form(client, agency, **overrides):
    url = f"/office/admin/agencies/{agency.code}/edit"
    token = csrf_from(client.get(url).get_data(as_text=True))
    data = {**FORM, **overrides, "csrf_token": token}
    data = {k: v for k, v in data.items() if not (k in ("charges_fees", "allow_self_approval") and not v)}
    return client.post(url, data=data, follow_redirects=True)


def test_new_agencies_get_the_default_settings(db, make_agency):
    agency = make_agency()
    assert (agency.due_soon_days, agency.clerk_reminder_days, agency.supervisor_reminder_days) == (5, [5, 2], [2])
    assert (agency.correction_period_days, agency.charges_fees, agency.allow_self_approval) == (15, True, False)
    assert agency.candidate_threshold == 3 and agency.letter_contact is None


def test_admin_edits_every_setting_and_one_audit_event_keeps_before_and_after(db, client, make_user, login,
                                                                              make_agency):
    agency = make_agency(reconsideration_body=None)
    admin = make_user("admin", agency=None)
    login(admin)
    page = client.get("/office/admin/agencies").get_data(as_text=True)
    assert agency.name in page and "本机关尚未设置行政复议机关" in page  # what blocks its letters
    resp = _post_form(client, agency)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "的设置已保存" in html
    db.session.rollback()
    agency = db.session.get(Agency, agency.id)
    assert agency.name == "测试市教育局" and agency.tracking_prefix == "CSJY"
    assert agency.letter_number_pattern == "测教信公〔{year}〕{seq}号" and agency.reply_cutoff == time(16, 30)
    assert agency.reconsideration_body == "测试市人民政府" and agency.letter_contact == "联系人：王五；联系电话：0100-5555"
    assert (agency.due_soon_days, agency.clerk_reminder_days, agency.supervisor_reminder_days) == (4, [6, 3], [1])
    assert (agency.correction_period_days, agency.candidate_threshold) == (10, 4)
    assert agency.charges_fees is False and agency.allow_self_approval is True and agency.retention_years == 30
    events = _events(agency)
    assert len(events) == 1
    event = events[0]
    assert event.actor_id == admin.id
    assert event.before["reconsideration_body"] is None and event.after["reconsideration_body"] == "测试市人民政府"
    assert event.before["clerk_reminder_days"] == [5, 2] and event.after["clerk_reminder_days"] == [6, 3]
    assert event.before["allow_self_approval"] is False and event.after["allow_self_approval"] is True
    assert event.before["reply_cutoff"] == "17:00" and event.after["reply_cutoff"] == "16:30"
    assert "本机关尚未设置行政复议机关" not in client.get("/office/admin/agencies").get_data(as_text=True)

    # Saving the same values again changes nothing and records nothing.
    resp = _post_form(client, agency)
    assert "设置未作任何改动" in resp.get_data(as_text=True)
    assert len(_events(agency)) == 1


@pytest.mark.parametrize("field,value,message", [
    ("letter_number_pattern", "测教信公〔{year}〕号", "必须包含表示文书序号的{seq}"),
    ("letter_number_pattern", "测教〔{yr}〕{seq}号", "只能使用{year}（年份）和{seq}（序号）"),
    ("clerk_reminder_days", "5,二", "以逗号分隔"),
    ("clerk_reminder_days", "30,2", "以逗号分隔"),
    ("due_soon_days", "0", "请填写1至20之间的整数"),
    ("correction_period_days", "61", "请填写1至60之间的整数"),
    ("reply_cutoff", "25:00", "17:00"),
    ("reconsideration_body", "", "此项为必填项"),
    ("tracking_prefix", "cs-1", "申请编号前缀为2至20位大写字母或数字"),
])
def test_bad_settings_are_refused_beside_the_field_and_change_nothing(db, client, make_user, login, make_agency,
                                                                       field, value, message):
    agency = make_agency(reconsideration_body="测试市人民政府")
    login(make_user("admin", agency=None))
    html = _post_form(client, agency, **{field: value}).get_data(as_text=True)
    assert message in html and "请修改标出的设置项" in html
    db.session.rollback()
    fresh = db.session.get(Agency, agency.id)
    assert fresh.name != FORM["name"] and fresh.due_soon_days == 5 and fresh.reconsideration_body == "测试市人民政府"
    assert _events(fresh) == []


def test_a_tracking_prefix_cannot_be_taken_from_another_agency(db, make_agency):
    first, second = make_agency("PFA"), make_agency("PFB")
    with pytest.raises(ValidationError) as err:
        update_agency_settings(second, None, tracking_prefix=first.tracking_prefix)
    assert set(err.value.errors) == {"tracking_prefix"}


@pytest.mark.parametrize("role", ["clerk", "supervisor", "auditor", "liaison"])
def test_only_admins_reach_the_agency_settings(db, client, make_user, login, make_agency, role):
    agency = make_agency(reconsideration_body="测试市人民政府")
    login(make_user(role, agency=agency))
    url = f"/office/admin/agencies/{agency.code}/edit"
    assert client.get("/office/admin/agencies").status_code == 403
    assert client.get(url).status_code == 403
    token = csrf_from(client.get("/office/", follow_redirects=True).get_data(as_text=True))
    resp = client.post(url, data={**FORM, "csrf_token": token})
    assert resp.status_code == 403
    db.session.rollback()
    assert db.session.get(Agency, agency.id).name != FORM["name"] and _events(agency) == []


def test_an_agency_admin_sees_and_edits_only_their_own_agency(db, client, make_user, login, make_agency):
    own, other = make_agency(), make_agency()
    login(make_user("admin", agency=own))
    page = client.get("/office/admin/agencies").get_data(as_text=True)
    assert own.name in page and other.name not in page
    assert client.get(f"/office/admin/agencies/{other.code}/edit").status_code == 404
    assert client.get(f"/office/admin/agencies/{own.code}/edit").status_code == 200
    assert client.get("/office/admin/agencies/NOSUCH/edit").status_code == 404


def test_the_operation_validates_everything_before_changing_anything(db, make_agency):
    agency = make_agency()
    with pytest.raises(ValidationError) as err:
        update_agency_settings(agency, None, name="新名称", due_soon_days="many", supervisor_reminder_days=[2, 0],
                               charges_fees="yes")
    assert set(err.value.errors) == {"due_soon_days", "supervisor_reminder_days", "charges_fees"}
    assert agency.name != "新名称"
    changed = update_agency_settings(agency, None, clerk_reminder_days="2,5,5", charges_fees=False)
    assert changed == {"charges_fees": False}  # "2,5,5" is the stored [5, 2]: not a change
    assert agency.clerk_reminder_days == [5, 2] and agency.charges_fees is False
    (event,) = _events(agency)
    assert event.actor_label == "cli" and event.before == {"charges_fees": True}


def test_create_agency_takes_the_settings_and_audits_them(db):
    agency = create_agency("CSET", "设置测试局", reconsideration_body="测试市人民政府", letter_contact="联系电话：1",
                           due_soon_days=3, clerk_reminder_days="3,1", allow_self_approval=True)
    assert (agency.due_soon_days, agency.clerk_reminder_days, agency.allow_self_approval) == (3, [3, 1], True)
    (event,) = _events(agency, "agency.created")
    assert event.after["reconsideration_body"] == "测试市人民政府" and event.after["due_soon_days"] == 3
    with pytest.raises(ValidationError):
        create_agency("CSEU", "设置测试局二", letter_number_pattern="没有序号〔{year}〕")
    assert db.session.scalar(sa.select(Agency).where(Agency.code == "CSEU")) is None


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["caseapp", *args])


def test_cli_creates_and_updates_an_agency(app, db):
    result = _cli(app, "create-agency", "CLIA", "命令行测试局", "--reconsideration-body", "测试市人民政府",
                  "--cutoff", "16:00", "--no-fees", "--reminder-days", "4,1")
    assert result.exit_code == 0, result.output
    result = _cli(app, "update-agency", "clia", "--reconsideration-body", "测试省教育厅", "--cutoff", "17:30",
                  "--letter-pattern", "命测〔{year}〕{seq}号", "--prefix", "MLCS", "--contact", "联系电话：0100-1",
                  "--due-soon-days", "3", "--reminder-days", "5,2", "--supervisor-reminder-days", "1",
                  "--correction-days", "20", "--fees", "--allow-self-approval", "--candidate-threshold", "5")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    agency = db.session.scalar(sa.select(Agency).where(Agency.code == "CLIA"))
    assert agency.reconsideration_body == "测试省教育厅" and agency.reply_cutoff == time(17, 30)
    assert agency.letter_number_pattern == "命测〔{year}〕{seq}号" and agency.tracking_prefix == "MLCS"
    assert agency.letter_contact == "联系电话：0100-1" and agency.due_soon_days == 3
    assert agency.clerk_reminder_days == [5, 2] and agency.supervisor_reminder_days == [1]
    assert agency.correction_period_days == 20 and agency.charges_fees is True and agency.allow_self_approval is True
    assert agency.candidate_threshold == 5
    (event,) = _events(agency)
    assert event.actor_label == "cli" and event.before["reconsideration_body"] == "测试市人民政府"

    result = _cli(app, "update-agency", "CLIA", "--due-soon-days", "99", "--letter-pattern", "无序号")
    assert result.exit_code != 0 and "--due-soon-days" in result.output and "--letter-pattern" in result.output
    assert _cli(app, "update-agency", "NOPE", "--fees").exit_code != 0
    assert _cli(app, "update-agency", "CLIA").exit_code != 0  # nothing to change
    db.session.rollback()
    assert db.session.get(Agency, agency.id).due_soon_days == 3 and len(_events(agency)) == 1
