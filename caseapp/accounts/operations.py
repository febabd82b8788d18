"""Writes on agencies, users and tokens; each records one audit event."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency, ApiToken, Department, User
from caseapp.core.audit import record_event
from caseapp.core.db import utcnow
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
    reply_cutoff: time = time(17, 0),
    reconsideration_body: str | None = None,
) -> Agency:
    """Create an agency; the code doubles as the tracking-number prefix unless one is given."""
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
        reply_cutoff=reply_cutoff,
        reconsideration_body=reconsideration_body,
    )
    db.session.add(agency)
    db.session.flush()
    record_event("agency.created", actor=actor, actor_label=None if actor else "cli", agency_id=agency.id,
                 after={"code": code, "name": agency.name})
    return agency


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


def authenticate(username: str, password: str) -> User | None:
    """The user for these credentials, or None; records the login."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    record_event("user.login", actor=user, agency_id=user.agency_id)
    return user


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
