"""office: internal case notes and Chinese full-text search

Revision ID: c1office0001
Revises: b1portal0001
Create Date: 2026-11-27 21:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1office0001'
down_revision = 'b1portal0001'
branch_labels = None
depends_on = None

FTS = 'case_search_fts'


def upgrade():
    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('case_search',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_search_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_search'))
    )

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_agency_due', ['agency_id', 'due_on'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        # External-content FTS5 index over case_search, kept in step by triggers.
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, content='case_search', content_rowid='case_id')")
        op.execute(f"CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN "
                   f"INSERT INTO {FTS}(rowid, body) VALUES (new.case_id, new.body); END")
        op.execute(f"CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN "
                   f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.case_id, old.body); END")
        op.execute(f"CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN "
                   f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.case_id, old.body); "
                   f"INSERT INTO {FTS}(rowid, body) VALUES (new.case_id, new.body); END")
    elif dialect == 'postgresql':
        op.execute("CREATE INDEX ix_case_search_body_tsv ON case_search "
                   "USING gin (to_tsvector('simple'::regconfig, body))")

    _backfill()


def _backfill():
    """Index the cases of a database upgraded in place."""
    from caseapp.cases.search import SEARCHABLE_FIELDS, body_for

    bind = op.get_bind()
    cases = sa.table('cases', sa.column('id'), *(sa.column(f) for f in SEARCHABLE_FIELDS))
    target = sa.table('case_search', sa.column('case_id'), sa.column('body'))
    rows = bind.execute(sa.select(cases)).mappings().all()
    batch = [{'case_id': r['id'], 'body': body_for(dict(r))} for r in rows]
    for start in range(0, len(batch), 5000):
        bind.execute(sa.insert(target), batch[start:start + 5000])


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for trigger in ('case_search_ai', 'case_search_ad', 'case_search_au'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif dialect == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_case_search_body_tsv")
    op.drop_table('case_search')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_agency_due')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))
    op.drop_table('case_notes')
