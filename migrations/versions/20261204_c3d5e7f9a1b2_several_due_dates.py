"""several due dates per activity and readings to review: activity.earlier_due_dates,
activity.timeframe_review

Revision ID: c3d5e7f9a1b2
Revises: 4b8c1e6f2a9d
Create Date: 2026-12-04 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d5e7f9a1b2'
down_revision = '4b8c1e6f2a9d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('earlier_due_dates', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('timeframe_review', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('timeframe_review')
        batch_op.drop_column('earlier_due_dates')
