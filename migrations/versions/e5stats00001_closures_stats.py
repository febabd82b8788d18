"""closure records, reconsideration and litigation

Revision ID: e5stats00001
Revises: e4agencyset1
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e5stats00001'
down_revision = 'e4agencyset1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
