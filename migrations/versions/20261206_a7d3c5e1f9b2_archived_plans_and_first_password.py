"""archived plans and a first password of one's own: plan.archived_at,
user.must_change_password

Revision ID: a7d3c5e1f9b2
Revises: 0bf6d74cad13
Create Date: 2026-12-06 09:00:00

- `plan.archived_at`: when Phòng Nội vụ archived the plan (UTC); NULL while it is
  followed — every plan already stored stays followed.
- `user.must_change_password`: the password was given by Phòng Nội vụ (a new account, a
  reset) and the person has not chosen their own yet. Accounts already in use are not
  asked (false).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d3c5e1f9b2'
down_revision = '0bf6d74cad13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    # ADD COLUMN in place: a batch copy of "user" would trip the foreign keys to it.
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.add_column(
            sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    # Dropped in place (SQLite 3.35+): a batch copy of "user" or "plan" would trip the
    # foreign keys that point at them.
    op.drop_column('user', 'must_change_password')
    op.drop_column('plan', 'archived_at')
