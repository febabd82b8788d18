"""information items, public entries, redaction findings

Revision ID: e6disclose01
Revises: e5stats00001
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e6disclose01'
down_revision = 'e5stats00001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
