"""closure records, reconsideration and litigation

Revision ID: e5stats00001
Revises: e4agencyset1
Create Date: 2026-11-30 02:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5stats00001'
down_revision = 'e4agencyset1'
branch_labels = None
depends_on = None

OUTCOMES = (
    'disclosed', 'partially_disclosed', 'withheld.state_secret', 'withheld.law_prohibited',
    'withheld.three_safeties', 'withheld.third_party', 'withheld.internal_affairs', 'withheld.process_info',
    'withheld.enforcement_file', 'withheld.administrative_query', 'unavailable.not_held',
    'unavailable.needs_creation', 'unavailable.unclear_after_correction', 'not_handled.petition',
    'not_handled.repeat', 'not_handled.publication', 'not_handled.excessive', 'not_handled.confirm_or_reissue',
    'other.correction_lapsed', 'other.fee_unpaid', 'other.other',
)


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table('case_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('applicant_type', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=50), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('reopened_on', sa.Date(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_in('kind', ('reply', 'close', 'withdrawal', 'lapse')), name=op.f('ck_case_closures_kind')),
    sa.CheckConstraint(_in('outcome', OUTCOMES), name=op.f('ck_case_closures_outcome')),
    sa.CheckConstraint('reopened_on IS NULL OR reopened_on >= closed_on',
                       name=op.f('ck_case_closures_reopened_after_closed')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_case_closures_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_closures_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_closures'))
    )
    with op.batch_alter_table('case_closures', schema=None) as batch_op:
        batch_op.create_index('ix_case_closures_report', ['closed_on', 'reopened_on', 'applicant_type', 'outcome'],
                              unique=False)
        batch_op.create_index('ix_case_closures_agency_report',
                              ['agency_id', 'closed_on', 'reopened_on', 'applicant_type', 'outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_closures_case_id'), ['case_id'], unique=False)

    op.create_index('ix_cases_received_type', 'cases', ['received_on', 'applicant_type'], unique=False)
    op.create_index('ix_cases_agency_received_type', 'cases', ['agency_id', 'received_on', 'applicant_type'],
                    unique=False)

    op.create_table('case_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.Text(), nullable=True),
    sa.Column('reopened_case', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_in('kind', ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')),
                       name=op.f('ck_case_reviews_kind')),
    sa.CheckConstraint(_in('result', ('upheld', 'corrected', 'other', 'pending')), name=op.f('ck_case_reviews_result')),
    sa.CheckConstraint("(result = 'pending' AND decided_on IS NULL) OR (result <> 'pending' AND decided_on IS NOT NULL)",
                       name=op.f('ck_case_reviews_decided')),
    sa.CheckConstraint('decided_on IS NULL OR decided_on >= filed_on', name=op.f('ck_case_reviews_order')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_case_reviews_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_reviews_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_case_reviews_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_reviews'))
    )
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_case_reviews_agency_filed', ['agency_id', 'filed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_reviews_case_id'), ['case_id'], unique=False)

    # Backfill: one closure record for every case closed or withdrawn today. Closings erased by an
    # earlier reopening cannot be recovered from the case row and are not invented.
    bind = op.get_bind()
    year = ("CAST(EXTRACT(YEAR FROM c.closed_on) AS INTEGER)" if bind.dialect.name == "postgresql"
            else "CAST(strftime('%Y', c.closed_on) AS INTEGER)")
    op.execute(
        "INSERT INTO case_closures (case_id, agency_id, applicant_type, kind, outcome, closed_on, year, started_on, due_on, created_at) "
        "SELECT c.id, c.agency_id, c.applicant_type, "
        "CASE WHEN c.status = 'withdrawn' THEN 'withdrawal' "
        "WHEN c.outcome IN ('other.correction_lapsed', 'other.fee_unpaid') THEN 'lapse' "
        "WHEN EXISTS (SELECT 1 FROM letters l WHERE l.case_id = c.id AND l.status = 'issued' "
        "AND l.template = c.outcome) THEN 'reply' ELSE 'close' END, "
        f"c.outcome, c.closed_on, {year}, c.clock_started_on, c.due_on, CURRENT_TIMESTAMP "
        "FROM cases c WHERE c.status IN ('closed', 'withdrawn') AND c.outcome IS NOT NULL "
        "AND c.closed_on IS NOT NULL ORDER BY c.id"
    )


def downgrade():
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_reviews_case_id'))
        batch_op.drop_index('ix_case_reviews_agency_filed')
    op.drop_table('case_reviews')
    with op.batch_alter_table('case_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_closures_case_id'))
        batch_op.drop_index('ix_case_closures_agency_report')
        batch_op.drop_index('ix_case_closures_report')
    op.drop_table('case_closures')
    op.drop_index('ix_cases_agency_received_type', table_name='cases')
    op.drop_index('ix_cases_received_type', table_name='cases')
