"""working days: day_off.source (the announcing document), day_off_seed (days seeded)

Revision ID: 6e3b9f2c4a71
Revises: c3d5e7f9a1b2
Create Date: 2026-12-05 09:00:00

- `day_off.source`: the announcement a day comes from ("Thông báo số …/TB-… ngày …");
  empty for the days already entered.
- `day_off_seed`: the days of seeds/working_days.json already put in `day_off`, so that
  seeding again does not bring back a day the coordinator removed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6e3b9f2c4a71'
down_revision = 'c3d5e7f9a1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('day_off', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=300), server_default='', nullable=False))
    op.create_table(
        'day_off_seed',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('loaded_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_day_off_seed')),
    )


def downgrade():
    op.drop_table('day_off_seed')
    with op.batch_alter_table('day_off', schema=None) as batch_op:
        batch_op.drop_column('source')
