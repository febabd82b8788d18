"""outbox messages keep the sender's display name (issue 22, item 5)

An applicant's e-mail comes from the agency that handles the case: `From: 某某人民政府办公室
<noreply@...>`. The name is stored with the message when it is queued, so a message retried later
goes out as it was written. Messages queued before keep none (NULL: the bare address).

Revision ID: i1mailfrom01
Revises: h3publish001
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i1mailfrom01'
down_revision = 'h3publish001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_name', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('sender_name')
