"""agency settings and the official calendar years

Revision ID: e4agencyset1
Revises: e3scale00001
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e4agencyset1'
down_revision = 'e3scale00001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
