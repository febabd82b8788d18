"""security hardening: HMAC query codes, session generation

Revision ID: e2security01
Revises: e1actions001
Create Date: 2026-11-30 02:20:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e2security01'
down_revision = 'e1actions001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
