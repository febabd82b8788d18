"""indexes for the office at a million cases on PostgreSQL

PostgreSQL only: case_search keeps its tsvector in a stored generated column (body_tsv), and the
GIN index covers that column instead of the expression. A search that matches many cases is then
listed by walking the cases in their order and checking each one's stored tsvector, which costs a
few microseconds instead of re-parsing the text (caseapp.cases.search). SQLite (FTS5) is unchanged.

Revision ID: e8pgscale01
Revises: e7consult001
Create Date: 2026-11-30 04:45:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8pgscale01'
down_revision = 'e7consult001'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("ALTER TABLE case_search ADD COLUMN body_tsv tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED")
    op.execute("DROP INDEX IF EXISTS ix_case_search_body_tsv")
    op.execute("CREATE INDEX ix_case_search_body_tsv ON case_search USING gin (body_tsv)")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP INDEX IF EXISTS ix_case_search_body_tsv")
    op.execute("ALTER TABLE case_search DROP COLUMN IF EXISTS body_tsv")
    op.execute("CREATE INDEX ix_case_search_body_tsv ON case_search "
               "USING gin (to_tsvector('simple'::regconfig, body))")
