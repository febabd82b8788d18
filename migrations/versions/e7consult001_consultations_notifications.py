"""consultations, notifications outbox, supervision orders

Revision ID: e7consult001
Revises: e6disclose01
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e7consult001'
down_revision = 'e6disclose01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
