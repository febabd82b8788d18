"""The action layer as a whole: every registered action records labelled audit events, a failed
commit leaves no file behind, and the package walls hold (import-linter)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseapp.core.actions import act, get_action
from caseapp.core.audit import AuditEvent
from caseapp.core.events import event_label, is_labelled
from tests.api.test_staff_api_access import ACTIONS, world  # noqa: F401 - the fixture is used below

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_action_records_labelled_events(db, world, name):  # noqa: F811
    allowed, setup = ACTIONS[name]
    case, payload = setup(world)
    role = "supervisor" if "supervisor" in allowed else "clerk"
    before = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
    act(name, case, world["users"][("a", role)], payload)
    codes = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.id > before)))
    assert codes, f"{name} recorded no audit event"
    unlabelled = sorted(c for c in codes if not is_labelled(c))
    assert not unlabelled, f"{name} records events without a label: {unlabelled}"
    assert all(event_label(c) != c for c in codes)


def test_a_failed_commit_after_issuing_leaves_no_file(app, db, world, monkeypatch):  # noqa: F811
    """Issued letters are written before the commit; if the commit fails they are removed again."""
    case, payload = ACTIONS["issue_letter"][1](world)
    letters_dir = Path(app.config["DATA_DIR"]) / "letters"
    files_before = set(letters_dir.rglob("*")) if letters_dir.exists() else set()

    def broken_commit():
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(sa.exc.OperationalError):
        act("issue_letter", case, world["users"][("a", "clerk")], payload)
    monkeypatch.undo()
    files_after = {p for p in letters_dir.rglob("*") if p.is_file()} if letters_dir.exists() else set()
    assert files_after <= files_before, f"left behind: {files_after - files_before}"
    db.session.rollback()
    letter_id = payload["letter_id"]
    from caseapp.letters.models import Letter

    assert db.session.get(Letter, letter_id).status == "approved"  # nothing issued


def test_unknown_action_is_refused_with_the_known_names(db, world):  # noqa: F811
    from caseapp.core.errors import ValidationError

    case = world["make_case"](agency=world["a"])
    with pytest.raises(ValidationError):
        act("no_such_action", case, world["users"][("a", "clerk")], {})
    assert get_action({}) is None and get_action(None) is None


def test_package_walls_hold():
    """Packages import downwards only (setup.cfg's import-linter contract)."""
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ,
                                 "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_a_declaration_naming_a_transition_its_table_lacks_fails_when_declared():
    """An action's `when` is checked against its state table as the registry module is imported
    (at app start), with the action's name, instead of a KeyError at first use."""
    from caseapp.cases.actions import case_status
    from caseapp.letters.actions import letter_status

    with pytest.raises(LookupError, match="'archive' has no transition in the Status table"):
        case_status("archive")
    with pytest.raises(LookupError, match="'shred_letter' has no transition in the LetterStatus table"):
        letter_status("shred_letter")
    assert case_status("accept") is not None  # a known one is fine
