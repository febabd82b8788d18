"""Agencies, their departments, staff users and API tokens."""
from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from caseapp.core.clock import utcnow
from caseapp.core.permissions import Role
from caseapp.extensions import db


class Agency(db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # Letter numbers, e.g. "沪教信公〔{year}〕{seq}号".
    letter_number_pattern: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    # Tracking numbers, e.g. "{prefix}-{year}-{seq:06d}" with prefix "SHJS".
    tracking_prefix: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    tracking_pattern: Mapped[str] = mapped_column(
        sa.String(60), nullable=False, default="{prefix}-{year}-{seq:06d}"
    )
    reply_cutoff: Mapped[time] = mapped_column(sa.Time, nullable=False, default=time(17, 0))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    # Where reconsideration goes (SPEC §7): the same-level government unless vertically managed.
    reconsideration_body: Mapped[str | None] = mapped_column(sa.String(200))
    # The contact line printed under every letter (附注); empty: built from phone and address.
    letter_contact: Mapped[str | None] = mapped_column(sa.String(300))
    # Warnings and reminders (SPEC §4): due soon at this many working days left or fewer.
    due_soon_days: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=5, server_default="5")
    # Working days left at which the handling clerk, and the supervisor, are reminded (lists of ints).
    clerk_reminder_days: Mapped[list[int]] = mapped_column(
        sa.JSON, nullable=False, default=lambda: [5, 2], server_default=sa.text("'[5, 2]'"))
    supervisor_reminder_days: Mapped[list[int]] = mapped_column(
        sa.JSON, nullable=False, default=lambda: [2], server_default=sa.text("'[2]'"))
    # The correction period a correction notice offers by default (Reg. 30), in working days.
    # (The column keeps the name its migration gave it.)
    correction_period_days: Mapped[int] = mapped_column("correction_days", sa.Integer, nullable=False, default=15,
                                                        server_default="15")
    # Whether this agency charges information-processing fees at all (109号).
    charges_fees: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    # A one-person office may let the same person write and approve (audited); off by default.
    allow_self_approval: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False,
                                                      server_default=sa.false())
    # How many requests for the same information make it a candidate for proactive disclosure.
    candidate_threshold: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=3, server_default="3")
    # How long a closed case's dossier is kept (年), counted from its closing date (SPEC §12). 10 years:
    # 《机关文件材料归档范围和文书档案保管期限规定》 (国家档案局令第8号) keeps an agency's routine
    # business files 10 years (定期10年) and its important ones 30 years or permanently; an agency whose
    # archive classes disclosure replies higher sets 30 (or more).
    retention_years: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=10, server_default="10")
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    departments: Mapped[list[Department]] = relationship(back_populates="agency", order_by="Department.code")


class Department(db.Model):
    __tablename__ = "departments"
    __table_args__ = (sa.UniqueConstraint("agency_id", "code", name="uq_departments_agency_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)

    agency: Mapped[Agency] = relationship(back_populates="departments")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('clerk', 'supervisor', 'liaison', 'auditor', 'admin')", name="role"
        ),
        # Only auditors and admins may be platform-wide; a liaison belongs to a department.
        sa.CheckConstraint(
            "agency_id IS NOT NULL OR role IN ('auditor', 'admin')", name="agency_required"
        ),
        sa.CheckConstraint("role != 'liaison' OR department_id IS NOT NULL", name="liaison_department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Stored in each login session and checked on every request: bumping it (logout, new
    # password) voids every session issued before, including copied cookies.
    session_generation: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0, server_default="0")

    agency: Mapped[Agency | None] = relationship()
    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method)
        self.session_generation = (self.session_generation or 0) + 1  # a new password ends old sessions

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored (the token itself has 256 random bits)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    label: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    user: Mapped[User] = relationship()
