"""notices: user.submitted_notices (Phòng Nội vụ: each submitted report, or a daily digest)

Revision ID: a7d2c5e8f013
Revises: 6e3b9f2c4a71
Create Date: 2026-12-06 09:00:00

- `user.submitted_notices`: how a coordinator hears of a submitted report — "each" (a
  notice in the app for each one, the default for every existing account) or "daily" (one
  list each working morning, in the app and by e-mail).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d2c5e8f013'
down_revision = '6e3b9f2c4a71'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN in place: a batch copy of "user" would trip the foreign keys to it.
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.add_column(
            sa.Column('submitted_notices', sa.String(length=10), server_default='each', nullable=False)
        )


def downgrade():
    # Dropped in place (SQLite 3.35+): a batch copy of "user" would trip the foreign
    # keys that point at it once accounts exist.
    op.drop_column('user', 'submitted_notices')
