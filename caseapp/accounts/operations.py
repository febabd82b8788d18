"""Writes on agencies, users and tokens; each records one audit event."""
from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import time

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from caseapp.accounts.models import Agency, ApiToken, Department, User
from caseapp.core.audit import record_event
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationError
from caseapp.core.permissions import Role
from caseapp.extensions import db

CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,19}$")


def create_agency(
    code: str,
    name: str,
    *,
    actor=None,
    letter_number_pattern: str | None = None,
    tracking_prefix: str | None = None,
    reply_cutoff: time | str = time(17, 0),
    reconsideration_body: str | None = None,
    **settings,
) -> Agency:
    """Create an agency; the code doubles as the tracking-number prefix unless one is given.

    Further keyword arguments are settings as `update_agency_settings` takes them (validated the same way).
    """
    code = code.strip().upper()
    if not CODE_RE.match(code):
        raise ValidationError(_l("An agency code is 2-20 capital letters or digits, starting with a letter."))
    if not name.strip():
        raise ValidationError(_l("The agency needs a name."))
    if db.session.scalar(sa.select(Agency.id).where(Agency.code == code)):
        raise ValidationError(_l("Agency %(code)s already exists.", code=code))
    agency = Agency(
        code=code,
        name=name.strip(),
        letter_number_pattern=letter_number_pattern or (name.strip()[:2] + "信公〔{year}〕{seq}号"),
        tracking_prefix=(tracking_prefix or code).upper(),
    )
    extra = {k: v for k, v in settings.items() if v is not None}
    extra.update(letter_number_pattern=agency.letter_number_pattern, tracking_prefix=agency.tracking_prefix,
                 reply_cutoff=reply_cutoff)
    if reconsideration_body is not None and reconsideration_body.strip():
        extra["reconsideration_body"] = reconsideration_body
    unknown = set(extra) - set(AGENCY_SETTINGS)
    if unknown:
        raise TypeError(f"unknown agency settings: {sorted(unknown)}")
    clean = clean_agency_settings(agency, extra)
    for key, value in clean.items():
        setattr(agency, key, value)
    db.session.add(agency)
    db.session.flush()
    record_event("agency.created", actor=actor, actor_label=None if actor else "cli", agency_id=agency.id,
                 after={"code": code, **agency_settings(agency)})
    return agency


# --- Agency settings (issue 9 item 17) -------------------------------------------------------------

# Every setting an admin may change, in the order the admin page and the audit show them.
AGENCY_SETTINGS = (
    "name", "tracking_prefix", "letter_number_pattern", "reply_cutoff", "reconsideration_body",
    "letter_contact", "phone", "address", "due_soon_days", "clerk_reminder_days", "supervisor_reminder_days",
    "correction_period_days", "charges_fees", "allow_self_approval", "candidate_threshold", "retention_years",
)
# (lowest, highest) of the whole-number settings.
SETTING_RANGES = {"due_soon_days": (1, 20), "correction_period_days": (1, 60), "candidate_threshold": (2, 100),
                  "retention_years": (1, 100)}
REMINDER_RANGE = (1, 20)
MAX_REMINDERS = 5
_TEXT_LIMITS = {"name": 200, "reconsideration_body": 200, "letter_contact": 300, "phone": 40, "address": 300,
                "letter_number_pattern": 100}
_LETTER_FIELDS = {"year", "seq"}


def agency_settings(agency: Agency) -> dict:
    """The agency's current settings as plain values (for the audit and the forms)."""
    values = {key: getattr(agency, key) for key in AGENCY_SETTINGS}
    cutoff = values["reply_cutoff"]
    values["reply_cutoff"] = cutoff.strftime("%H:%M") if cutoff is not None else None
    for key in ("clerk_reminder_days", "supervisor_reminder_days"):
        values[key] = list(values[key]) if values[key] is not None else None
    return values


def format_reminder_days(days) -> str:
    """[5, 2] -> "5,2" (the form and CLI spelling of a reminder list)."""
    return ",".join(str(d) for d in (days or ()))


def parse_reminder_days(value) -> list[int]:
    """"5,2" (or "5，2", "5 2", [5, 2]) -> [5, 2], largest first; ValueError when not whole numbers."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[\s,，、;；]+", value.strip()) if p]
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise ValueError(value)
    days = []
    for part in parts:
        if isinstance(part, bool):
            raise ValueError(part)
        days.append(int(str(part).strip()))
    return sorted(set(days), reverse=True)


def _parse_cutoff(value) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(value or "").strip())
    if not match:
        raise ValueError(value)
    return time(int(match.group(1)), int(match.group(2)))


def _check_letter_pattern(pattern: str) -> str | None:
    """None when the pattern makes letter numbers; else why not."""
    import string

    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None}
        if not names <= _LETTER_FIELDS:
            return _l("A letter number pattern may only use {year} and {seq}.")
        if "seq" not in names:
            return _l("A letter number pattern must contain {seq}, the letter's sequence number.")
        pattern.format(year=2026, seq=1)
    except (ValueError, IndexError, KeyError):
        return _l("The letter number pattern is not valid, e.g. 沪教信公〔{year}〕{seq}号.")
    return None


def clean_agency_settings(agency: Agency | None, changes: dict) -> dict:
    """Validate and normalise setting changes; ValidationError (field -> message) lists every problem."""
    errors: dict = {}
    clean: dict = {}
    for key, value in changes.items():
        if key not in AGENCY_SETTINGS:
            errors[key] = _l("Unknown setting.")
            continue
        if key in _TEXT_LIMITS:
            text = " ".join(str(value or "").split())
            if key in ("name", "letter_number_pattern", "reconsideration_body") and not text:
                errors[key] = _l("This setting is required.")
            elif len(text) > _TEXT_LIMITS[key]:
                errors[key] = _l("At most %(n)s characters.", n=_TEXT_LIMITS[key])
            elif key == "letter_number_pattern" and _check_letter_pattern(text):
                errors[key] = _check_letter_pattern(text)
            else:
                clean[key] = text or None
        elif key == "tracking_prefix":
            prefix = str(value or "").strip().upper()
            if not CODE_RE.match(prefix):
                errors[key] = _l("A tracking prefix is 2-20 capital letters or digits, starting with a letter.")
            elif db.session.scalar(sa.select(Agency.id).where(
                    Agency.tracking_prefix == prefix, Agency.id != (agency.id if agency and agency.id else -1))):
                errors[key] = _l("Another agency already uses this tracking prefix.")
            else:
                clean[key] = prefix
        elif key == "reply_cutoff":
            try:
                clean[key] = _parse_cutoff(value)
            except ValueError:
                errors[key] = _l("Please enter a time like 17:00.")
        elif key in SETTING_RANGES:
            low, high = SETTING_RANGES[key]
            try:
                if isinstance(value, bool):
                    raise ValueError(value)
                number = int(str(value).strip())
                if not low <= number <= high:
                    raise ValueError(number)
                clean[key] = number
            except (TypeError, ValueError):
                errors[key] = _l("Please enter a whole number from %(low)s to %(high)s.", low=low, high=high)
        elif key in ("clerk_reminder_days", "supervisor_reminder_days"):
            low, high = REMINDER_RANGE
            try:
                days = parse_reminder_days(value)
                if len(days) > MAX_REMINDERS or any(not low <= d <= high for d in days):
                    raise ValueError(days)
                clean[key] = days
            except (TypeError, ValueError):
                errors[key] = _l("Please enter up to %(n)s working-day counts from %(low)s to %(high)s, "
                                 "separated by commas, e.g. 5,2.", n=MAX_REMINDERS, low=low, high=high)
        else:  # charges_fees, allow_self_approval
            if not isinstance(value, bool):
                errors[key] = _l("Please choose yes or no.")
            else:
                clean[key] = value
    if errors:
        raise ValidationError(_l("Please correct the marked settings."), errors=errors)
    return clean


def update_agency_settings(agency: Agency, actor=None, **changes) -> dict:
    """Change an agency's settings after validating all of them; one audit event with before and after.

    Returns the settings that actually changed (empty: nothing changed and nothing is recorded).
    """
    clean = clean_agency_settings(agency, changes)
    current = agency_settings(agency)
    for key, value in clean.items():
        setattr(agency, key, value)
    after_all = agency_settings(agency)
    changed = [key for key in clean if after_all[key] != current[key]]
    if not changed:
        return {}
    db.session.flush()
    record_event("agency.updated", actor=actor, actor_label=None if actor else "cli", agency_id=agency.id,
                 before={k: current[k] for k in changed}, after={k: after_all[k] for k in changed})
    return {k: after_all[k] for k in changed}


def create_department(agency: Agency, code: str, name: str, *, actor=None) -> Department:
    """Add a department (内设机构) to an agency."""
    dept = Department(agency_id=agency.id, code=code.strip().upper(), name=name.strip())
    db.session.add(dept)
    db.session.flush()
    record_event("department.created", actor=actor, actor_label=None if actor else "cli",
                 agency_id=agency.id, after={"code": dept.code, "name": dept.name})
    return dept


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    agency: Agency | None,
    department: Department | None = None,
    display_name: str | None = None,
    email: str | None = None,
    actor=None,
) -> User:
    """Create a staff user after checking the role, agency and department fit together."""
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(_l("Unknown role %(role)s.", role=role)) from None
    if agency is None and role not in (Role.AUDITOR, Role.ADMIN):
        raise ValidationError(_l("This role needs an agency."))
    if role == Role.LIAISON and department is None:
        raise ValidationError(_l("A department liaison needs a department."))
    if department is not None and (agency is None or department.agency_id != agency.id):
        raise ValidationError(_l("The department does not belong to the agency."))
    if len(password) < 8:
        raise ValidationError(_l("A password needs at least 8 characters."))
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise ValidationError(_l("User %(name)s already exists.", name=username))
    user = User(
        username=username,
        display_name=display_name or username,
        role=role.value,
        agency_id=agency.id if agency else None,
        department_id=department.id if department else None,
        email=email,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event("user.created", actor=actor, actor_label=None if actor else "cli",
                 agency_id=user.agency_id, after={"username": username, "role": role.value})
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, *, label: str | None = None, actor=None) -> str:
    """Issue a bearer token for the user; the token is returned once and only its hash is kept."""
    token = "ca_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), label=label))
    db.session.flush()
    record_event("token.created", actor=actor, actor_label=None if actor else "cli",
                 agency_id=user.agency_id, after={"user": user.username, "label": label})
    return token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    row = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked.is_(False))
    )
    if row is None or not row.user.active:
        return None
    return row.user


@functools.cache
def _dummy_password_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method)


def check_dummy_password(password: str) -> bool:
    """Check a password against a throwaway hash of the configured method (always False), so that an
    unknown username costs what a wrong password costs and timing does not reveal usernames."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    check_password_hash(_dummy_password_hash(method), password)
    return False


def authenticate(username: str, password: str) -> User | None:
    """The user for these credentials, or None; records the login."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        check_dummy_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    record_event("user.login", actor=user, agency_id=user.agency_id)
    return user


# The session key holding the user's session generation at login (see User.session_generation).
SESSION_GENERATION_KEY = "_user_gen"


def load_session_user(user_id: str, generation) -> User | None:
    """The user a login session names, if that session's generation is still the user's current one."""
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    if not 0 < uid < 2**31:
        return None
    user = db.session.get(User, uid)
    if user is None or generation != user.session_generation:
        return None
    return user


def end_all_sessions(user: User, *, reason: str) -> None:
    """Void every login session of the user (all browsers, copied cookies too); records one event."""
    user.session_generation = (user.session_generation or 0) + 1
    db.session.flush()
    record_event("user.logout", actor=user, agency_id=user.agency_id, note=reason)


def get_agency_by_code(code: str) -> Agency | None:
    """Look an agency up by its code."""
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.upper()))


def get_department(agency: Agency, code: str) -> Department | None:
    """Look a department of the agency up by its code."""
    return db.session.scalar(
        sa.select(Department).where(Department.agency_id == agency.id, Department.code == code.upper())
    )


def list_agencies(active_only: bool = True) -> list[Agency]:
    """Agencies by code."""
    q = sa.select(Agency).order_by(Agency.code)
    if active_only:
        q = q.where(Agency.active.is_(True))
    return list(db.session.scalars(q))


def list_users(agency_id: int | None = None) -> list[User]:
    """Users of an agency (all when agency_id is None)."""
    q = sa.select(User).order_by(User.username)
    if agency_id is not None:
        q = q.where(User.agency_id == agency_id)
    return list(db.session.scalars(q))
