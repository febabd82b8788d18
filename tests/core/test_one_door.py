"""One door (issue 20): every write a request makes goes through the action runner.

The app refuses, before it reaches the database, any write during a request that is not inside
`perform()` (caseapp.core.actions), unless the view says why it writes otherwise. The whole suite
runs with that guard on, so each route test (the access matrix posts to every office route as
every role; the functional tests post valid forms and bodies) proves its route goes through the
runner. This file lists every route that can write and what it is expected to be: written out
here, not read from the code, so a new route must be classified by whoever adds it.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Blueprint

from caseapp.core.actions import WriteOutsideRunner, outside_runner

RUNNER = "runner"
# Views that write without an action, and why (each must say so with @outside_runner).
OUTSIDE = {
    "accounts.login": "the user's session",
    "accounts.logout": "the user's sessions end",
    "portal.track": "the browser's unlock and a stronger query-code hash",
    "portal.track_close": "the browser's receipt hold",
    "office.reveal_id": "a logged read",
    "notifications.notification_read": "the reader's own unread mark",
    "notifications.notifications_read_all": "the reader's own unread marks",
    "notifications_api.read_notification": "the reader's own unread mark",
}
EXPECTED = {
    # the generic action routes
    "office.case_action": RUNNER, "office.letter_action": RUNNER, "api.case_action": RUNNER,
    # filing and registering
    "portal.apply": RUNNER, "api.create_request": RUNNER, "office.register": RUNNER, "api.create_case": RUNNER,
    # the applicant on their request
    "portal.correction": RUNNER, "portal.withdraw": RUNNER, "portal.suggestion": RUNNER,
    "api.correction": RUNNER, "api.withdraw": RUNNER,
    # consultations
    "consultations.consult": RUNNER, "consultations.answer": RUNNER, "consultations.record": RUNNER,
    "consultations.disclosure_notice": RUNNER, "consultations_api.answer_consultation": RUNNER,
    # proactive disclosure
    "disclosure.link": RUNNER, "disclosure.start_item": RUNNER, "disclosure.split": RUNNER, "disclosure.merge": RUNNER,
    "disclosure.convert_case": RUNNER, "disclosure.convert_item": RUNNER, "disclosure.edit": RUNNER,
    "disclosure.attach": RUNNER, "disclosure.remove_document": RUNNER, "disclosure.not_personal": RUNNER,
    "disclosure.approve": RUNNER, "disclosure.answer": RUNNER,
    # records: the redaction page posts redact_record; its preview only reads (posted to keep the terms out of URLs)
    "office.redact_page": RUNNER, "office.record_find": RUNNER,
    # the public letter check (核验文书) posts a file or a number and only reads
    "portal.verify_letter": RUNNER,
    # reconsiderations and lawsuits
    "stats.new_review": RUNNER, "stats.edit_review": RUNNER, "stats.reopen_from_review": RUNNER,
    "stats.submit_review_answer": RUNNER,
    # the annual report (issue 27): publishing, the first year's carried-over figures, Table 2
    "stats.publish_annual_report": RUNNER, "stats.save_report_opening": RUNNER, "stats.table2_page": RUNNER,
    # supervision orders (issue 26): the handler's feedback, a supervisor's closing
    "office.supervision_order_feedback": RUNNER, "office.supervision_order_close": RUNNER,
    # administration
    "admin.agency_edit": RUNNER, "admin.calendar": RUNNER, "admin_departments.departments": RUNNER,
    "admin_vocabulary.vocabulary": RUNNER, "admin_vocabulary.remove": RUNNER, "disclosure.judge": RUNNER,
    "admin.imports": RUNNER,
    **{endpoint: "outside" for endpoint in OUTSIDE},
}
WRITING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _writing_routes(app) -> dict[str, object]:
    return {rule.endpoint: app.view_functions[rule.endpoint] for rule in app.url_map.iter_rules()
            if rule.methods & WRITING_METHODS}


def test_every_route_that_can_write_is_classified(app):
    routes = _writing_routes(app)
    assert sorted(set(routes) - set(EXPECTED)) == [], "new writing routes: classify them here"
    assert sorted(set(EXPECTED) - set(routes)) == [], "routes listed here that the app no longer has"


def test_only_the_listed_views_write_outside_the_runner(app):
    for endpoint, view in _writing_routes(app).items():
        reason = getattr(view, "writes_outside_runner", None)
        if EXPECTED[endpoint] == RUNNER:
            assert reason is None, f"{endpoint} is expected to write through the runner only"
        else:
            assert reason, f"{endpoint} writes outside the runner without saying why"


@pytest.fixture()
def door_app(tmp_path):
    """A second app with two extra routes: one writing directly, one declaring why it may."""
    from config import TestConfig

    from caseapp import create_app
    from caseapp.extensions import db

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'door.db'}"
        DATA_DIR = str(tmp_path / "data")
        WTF_CSRF_ENABLED = False

    app = create_app(Config)
    probe = Blueprint("door_probe", __name__)

    def write():
        from caseapp.accounts.models import Agency

        db.session.add(Agency(code="PROBE", name="探针机关", letter_number_pattern="探〔{year}〕{seq}号", tracking_prefix="PROBE"))
        db.session.commit()
        return "written"

    probe.add_url_rule("/probe/direct", "direct", write, methods=["POST"])
    probe.add_url_rule("/probe/declared", "declared", outside_runner("a test of the door")(lambda: write()),
                       methods=["POST"])
    app.register_blueprint(probe)
    with app.app_context():
        db.create_all()
    return app


def test_a_write_outside_the_runner_is_refused_and_nothing_is_written(door_app):
    from caseapp.accounts.models import Agency
    from caseapp.extensions import db

    client = door_app.test_client()
    with pytest.raises(WriteOutsideRunner, match="door_probe.direct writes \\['agencies'\\]"):
        client.post("/probe/direct")
    with door_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Agency).where(Agency.code == "PROBE")) == 0
    assert client.post("/probe/declared").get_data(as_text=True) == "written"
    with door_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Agency).where(Agency.code == "PROBE")) == 1
