"""agency settings and the official calendar years

Revision ID: e4agencyset1
Revises: e3scale00001
Create Date: 2026-11-30 02:20:00

Schema: the per-agency settings of issue 9 (contact line, due-soon and reminder days, correction
period, fees, self-approval, candidate threshold).
Data: the official calendar years shipped with chinesecalendar, so that `flask db upgrade` alone
gives official deadlines (`caseapp calendar seed` stays, for years added by a library update).
Years already stored are never overwritten, so an admin's correction survives a re-run.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4agencyset1'
down_revision = 'e3scale00001'
branch_labels = None
depends_on = None

# The tables as this revision knows them (never the ORM models, which move on).
calendar_years = sa.table(
    "calendar_years",
    sa.column("year", sa.Integer), sa.column("official", sa.Boolean), sa.column("source", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
calendar_days = sa.table(
    "calendar_days",
    sa.column("day", sa.Date), sa.column("year", sa.Integer), sa.column("kind", sa.String),
    sa.column("name", sa.String),
)


def _seed_official_years() -> None:
    from caseapp.calendar.sources import chinesecalendar_version, official_years_from_chinesecalendar

    bind = op.get_bind()
    stored = set(bind.execute(sa.select(calendar_years.c.year)).scalars())
    source = f"chinesecalendar {chinesecalendar_version()}"
    now = datetime.now(timezone.utc)
    for year, data in sorted(official_years_from_chinesecalendar().items()):
        if year in stored:
            continue
        bind.execute(calendar_years.insert().values(year=year, official=True, source=source, updated_at=now))
        rows = [{"day": d, "year": year, "kind": "holiday", "name": data.names.get(d)} for d in sorted(data.holidays)]
        rows += [{"day": d, "year": year, "kind": "workday", "name": data.names.get(d)} for d in sorted(data.workdays)]
        if rows:
            bind.execute(calendar_days.insert(), rows)


def upgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_contact', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('due_soon_days', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('clerk_reminder_days', sa.JSON(), server_default=sa.text("'[5, 2]'"),
                                      nullable=False))
        batch_op.add_column(sa.Column('supervisor_reminder_days', sa.JSON(), server_default=sa.text("'[2]'"),
                                      nullable=False))
        batch_op.add_column(sa.Column('correction_days', sa.Integer(), server_default='15', nullable=False))
        batch_op.add_column(sa.Column('charges_fees', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('allow_self_approval', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('candidate_threshold', sa.Integer(), server_default='3', nullable=False))
    _seed_official_years()


def downgrade():
    # The seeded calendar years stay: they are data an older schema reads as well.
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('candidate_threshold')
        batch_op.drop_column('allow_self_approval')
        batch_op.drop_column('charges_fees')
        batch_op.drop_column('correction_days')
        batch_op.drop_column('supervisor_reminder_days')
        batch_op.drop_column('clerk_reminder_days')
        batch_op.drop_column('due_soon_days')
        batch_op.drop_column('letter_contact')
