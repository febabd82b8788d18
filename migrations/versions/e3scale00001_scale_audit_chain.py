"""scale: audit hash chain, indexes for a million cases

Revision ID: e3scale00001
Revises: e2security01
Create Date: 2026-11-30 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3scale00001'
down_revision = 'e2security01'
branch_labels = None
depends_on = None

CHAINED = ("occurred_at", "actor_id", "actor_label", "agency_id", "case_id", "action", "before", "after",
           "note", "ip_address")


def _chain_existing_events() -> None:
    """Hash the events already stored, in id order, with the same function `audit verify` uses."""
    from caseapp.core.audit import GENESIS_HASH, event_hash

    events = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer), sa.column("actor_label", sa.String), sa.column("agency_id", sa.Integer),
        sa.column("case_id", sa.Integer), sa.column("action", sa.String), sa.column("before", sa.JSON),
        sa.column("after", sa.JSON), sa.column("note", sa.Text), sa.column("ip_address", sa.String),
        sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
    )
    conn = op.get_bind()
    update = sa.update(events).where(events.c.id == sa.bindparam("row_id")).values(
        prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash"))
    prev, last_id = GENESIS_HASH, 0
    while True:
        rows = conn.execute(sa.select(events.c.id, *(events.c[n] for n in CHAINED))
                            .where(events.c.id > last_id).order_by(events.c.id).limit(5000)).mappings().all()
        if not rows:
            return
        params = []
        for row in rows:
            digest = event_hash(dict(row), prev)
            params.append({"row_id": row["id"], "new_prev": prev, "new_hash": digest})
            prev, last_id = digest, row["id"]
        conn.execute(update, params)


INDEXES = {  # cases: name -> columns (see Case.__table_args__)
    'ix_cases_id_agency_due': ['id', 'agency_id', 'due_on'],
    'ix_cases_agency_channel_status_due': ['agency_id', 'channel', 'status', 'due_on'],
    'ix_cases_agency_type_received': ['agency_id', 'applicant_type', 'received_on'],
}


# Widened so that the inbox's tab counts are answered from the index alone.
STATUS_INDEX = 'ix_cases_agency_status_due'
STATUS_INDEX_BEFORE = ['agency_id', 'status', 'due_on']
STATUS_INDEX_AFTER = ['agency_id', 'status', 'due_on', 'handler_id', 'id']
# Tracking-number prefixes under a non-C collation (varchar_pattern_ops on PostgreSQL).
PATTERN_INDEX = 'ix_cases_tracking_number_pattern'


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, 'cases', columns, unique=False)
    op.drop_index(STATUS_INDEX, table_name='cases')
    op.create_index(STATUS_INDEX, 'cases', STATUS_INDEX_AFTER, unique=False)
    op.create_index(PATTERN_INDEX, 'cases', ['tracking_number'], unique=False,
                    postgresql_ops={'tracking_number': 'varchar_pattern_ops'})
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_audit_events_prev_hash', ['prev_hash'])


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_audit_events_prev_hash', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
    op.drop_index(PATTERN_INDEX, table_name='cases')
    for name in INDEXES:
        op.drop_index(name, table_name='cases')
    op.drop_index(STATUS_INDEX, table_name='cases')
    op.create_index(STATUS_INDEX, 'cases', STATUS_INDEX_BEFORE, unique=False)
