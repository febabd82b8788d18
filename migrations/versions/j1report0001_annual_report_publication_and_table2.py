"""annual report: opening balances, published (frozen) figures and Table 2 (issue 27)

`report_openings` holds Table 3 item two as entered for an agency's first year on the platform;
`published_reports` the figures of a published report (JSON), never recomputed; `table2_entries`
Table 2 (proactive disclosure), entered by hand per agency and year.

Revision ID: j1report0001
Revises: j1similar01
Create Date: 2026-12-08 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'j1report0001'
down_revision = 'j1similar01'
branch_labels = None
depends_on = None

TABLE2_CELLS = ('rules_made', 'rules_repealed', 'rules_in_force', 'normative_made', 'normative_repealed',
                'normative_in_force', 'licensing_decisions', 'penalty_decisions', 'enforcement_decisions',
                'fees_amount')


def upgrade():
    op.create_table(
        'report_openings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_report_openings_agency_id_agencies')),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_report_openings_entered_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_openings')),
        sa.UniqueConstraint('agency_id', 'year', name=op.f('uq_report_openings_agency_id')),
    )
    op.create_table(
        'published_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_published_reports_agency_id_agencies')),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'],
                                name=op.f('fk_published_reports_published_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_published_reports')),
        sa.UniqueConstraint('agency_id', 'year', name=op.f('uq_published_reports_agency_id')),
    )
    op.create_table(
        'table2_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        *[sa.Column(c, sa.Integer(), nullable=True) for c in TABLE2_CELLS[:-1]],
        sa.Column('fees_amount', sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(' AND '.join(f'({c} IS NULL OR {c} >= 0)' for c in TABLE2_CELLS),
                           name=op.f('ck_table2_entries_not_negative')),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_table2_entries_agency_id_agencies')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_table2_entries_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_table2_entries')),
        sa.UniqueConstraint('agency_id', 'year', name=op.f('uq_table2_entries_agency_id')),
    )


def downgrade():
    op.drop_table('table2_entries')
    op.drop_table('published_reports')
    op.drop_table('report_openings')
