"""Retention and archiving (issue 23 item 4): `archive --before` freezes closed cases' dossiers with
their SHA-256, makes the cases read-only (every action refused, once, in the runner), removes the
applicant's ID number and contact data from the live database (the dossier keeps them), and changes
no count of a past year's annual report; `archive-export` writes the PDFs and a manifest."""
from __future__ import annotations

import csv
import hashlib
from datetime import date

import pytest

from caseapp.cli import caseapp_cli
from caseapp.core.actions import act, get_action, refusal, Ctx
from caseapp.core.errors import TransitionError
from caseapp.core.filestore import open_path
from caseapp.dossier.queries import archived_dossier
from caseapp.stats.report import table3_counts
from tests.dossier.conftest import TODAY

pytestmark = pytest.mark.frozen_at(TODAY)


def _run(app, *args):
    return app.test_cli_runner().invoke(caseapp_cli, list(args))


def test_a_date_in_the_future_is_refused(app, db, dossier_world):
    result = _run(app, "archive", "--before", "2026-12-31")
    assert result.exit_code != 0 and "future" in result.output
    assert dossier_world["case"].archived_at is None


def test_a_dry_run_lists_and_changes_nothing(app, db, dossier_world):
    case = dossier_world["case"]
    result = _run(app, "archive", "--before", "2026-11-20", "--dry-run")
    assert result.exit_code == 0, result.output
    assert case.tracking_number in result.output and "1 case(s) would be archived" in result.output
    db.session.expire_all()
    assert case.archived_at is None and case.id_number


def test_archiving_freezes_the_dossier_and_removes_personal_data(app, db, dossier_world, tmp_path):
    case = dossier_world["case"]
    assert _run(app, "archive", "--before", "2026-11-19").output.startswith("0 case(s)")  # closed on the 19th
    result = _run(app, "archive", "--before", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert "1 case(s) archived" in result.output
    db.session.expire_all()
    assert case.archived_at is not None
    assert (case.id_number, case.phone, case.email, case.address) == (None, None, None, None)
    assert "11010519491231002X" not in case.applicant_key
    frozen = archived_dossier(case)
    data = open_path(frozen.storage_key).read_bytes()
    assert hashlib.sha256(data).hexdigest() == frozen.sha256 and frozen.retention_years == 10
    assert b"%PDF" == data[:4]
    # archiving twice does nothing
    assert "0 case(s) archived" in _run(app, "archive", "--before", "2026-11-20").output
    # the staff download of an archived case is the frozen file, which keeps the ID number
    from caseapp.accounts.operations import create_token

    token = create_token(dossier_world["clerk"])
    db.session.commit()
    resp = app.test_client().get(f"/api/v1/cases/{case.tracking_number}/dossier.pdf",
                                 headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and hashlib.sha256(resp.data).hexdigest() == frozen.sha256

    out = tmp_path / "export"
    result = _run(app, "archive-export", str(out), "--agency", case.agency.code)
    assert result.exit_code == 0, result.output
    raw = (out / "manifest.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 1 and rows[0]["tracking_number"] == case.tracking_number
    assert hashlib.sha256((out / rows[0]["file"]).read_bytes()).hexdigest() == rows[0]["sha256"] == frozen.sha256


def test_every_action_on_an_archived_case_is_refused_with_a_message(app, db, dossier_world):
    case = dossier_world["case"]
    assert _run(app, "archive", "--before", "2026-11-20").exit_code == 0
    db.session.expire_all()
    for name in ("add_note", "reopen"):
        err = refusal(get_action(name), Ctx(user=dossier_world["supervisor"], case=case))
        assert isinstance(err, TransitionError) and "已归档" in str(err.message)
    with pytest.raises(TransitionError, match="已归档"):
        act("add_note", case, dossier_world["clerk"], {"text": "补充说明"})


def test_an_open_case_is_not_archived(db, make_case):
    from caseapp.core.actions import System

    case = make_case("in_progress")
    with pytest.raises(TransitionError):
        act("archive_case", case, System())


def test_past_years_annual_report_does_not_change(app, db, make_agency, make_case):
    agency = make_agency()
    for i in range(3):
        make_case("closed", agency=agency, received_on=date(2025, 3, 3 + i), today=date(2025, 3, 20))
    make_case("in_progress", agency=agency, received_on=date(2025, 12, 22), today=date(2025, 12, 24))
    before = table3_counts(2025, agency)
    result = _run(app, "archive", "--before", "2026-01-01")
    assert result.exit_code == 0 and "3 case(s) archived" in result.output, result.output
    db.session.expire_all()
    assert table3_counts(2025, agency) == before


def test_a_case_with_an_undecided_review_is_not_archived(app, db, dossier_world):
    case = dossier_world["case"]
    act("record_review", case, dossier_world["clerk"], {
        "kind": "reconsideration", "body": "示范市人民政府", "filed_on": TODAY.isoformat(), "result": "pending",
        "copy_received_on": TODAY.isoformat()})
    db.session.commit()
    result = _run(app, "archive", "--before", "2026-11-20")
    assert "0 case(s) archived" in result.output and "尚未审结" in result.output
    db.session.rollback()
    assert case.archived_at is None and case.id_number
