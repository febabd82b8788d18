"""reviews: the copy's receipt, the answer due and submitted dates, and late answers' orders (issue 23, item 2)

A reconsideration or lawsuit records the day the agency received the copy of the application or
complaint; its answer is due 10 working days (reconsideration) or 15 days (lawsuit) later, and its
submission is recorded. Reviews recorded before keep none (NULL: no clock). A review whose answer
passes unanswered gets a supervision order (review_answer_orders). The table keeps its name
case_reviews (the reviews moved from stats to their own package; no data moves).

Revision ID: i1reviews001
Revises: i3archive001
Create Date: 2026-12-07 23:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i1reviews001'
down_revision = 'i3archive001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copy_received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('answer_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('answer_submitted_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_case_reviews_agency_answer', ['agency_id', 'answer_submitted_on', 'answer_due_on'],
                              unique=False)
    op.create_table(
        'review_answer_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('opened_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('closed_on IS NULL OR closed_on >= opened_on', name=op.f('ck_review_answer_orders_order')),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_review_answer_orders_agency_id_agencies')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_review_answer_orders_case_id_cases')),
        sa.ForeignKeyConstraint(['review_id'], ['case_reviews.id'],
                                name=op.f('fk_review_answer_orders_review_id_case_reviews')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_answer_orders')),
        sa.UniqueConstraint('review_id', 'due_on', name='uq_review_answer_orders_review_due'),
    )
    with op.batch_alter_table('review_answer_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_answer_orders_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_answer_orders_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_answer_orders_review_id'), ['review_id'], unique=False)


def downgrade():
    op.drop_table('review_answer_orders')
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_case_reviews_agency_answer')
        batch_op.drop_column('answer_submitted_on')
        batch_op.drop_column('answer_due_on')
        batch_op.drop_column('copy_received_on')
