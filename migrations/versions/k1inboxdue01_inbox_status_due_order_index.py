"""the inbox's due-date order of each status from an index: (agency_id, status, due_on, id)
(issue 26 item 7)

A listing of several statuses (the open tab, due soon, overdue) or of one status (a status filter)
was sorted by COALESCE(due_on, received_on), id, which no index holds: PostgreSQL sorted every
matching case for one page (150-366 ms at a million cases). Each status is now read in (due_on, id)
order from this index, stopped at the page, and the statuses merged (caseapp/cases/inbox.py). The
older (agency_id, status, due_on, handler_id, id) has the handler before the id, so neither
database could read the tie order from it (SQLite walked (agency_id, due_on) instead).

Revision ID: k1inboxdue01
Revises: j1report0001
Create Date: 2026-12-08 03:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'k1inboxdue01'
down_revision = 'j1report0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_cases_agency_status_due_id', 'cases', ['agency_id', 'status', 'due_on', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_cases_agency_status_due_id', table_name='cases')
