"""action layer: enum status columns, timestamps and version mixin

Revision ID: e1actions001
Revises: d1letters001
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e1actions001'
down_revision = 'd1letters001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
