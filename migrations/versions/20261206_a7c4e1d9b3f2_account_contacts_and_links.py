"""accounts: user.phone, sign_in_link (one-time links to set a new account's password)

Revision ID: a7c4e1d9b3f2
Revises: a7d2c5e8f013
Create Date: 2026-12-06 09:00:00

- `user.phone`: a Vietnamese number, normalised ("0912345678"); empty when not given.
- `sign_in_link`: one-time links e-mailed to new accounts, kept as the SHA-256 of their
  token only, each used at most once before it expires.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c4e1d9b3f2'
down_revision = 'a7d2c5e8f013'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN in place: a batch copy of "user" would trip the foreign keys to it.
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), server_default='', nullable=False))
    op.create_table(
        'sign_in_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_sign_in_link_created_by_id_user')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sign_in_link_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_link_token_hash')),
    )
    with op.batch_alter_table('sign_in_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_link_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_link_user_id'))
    op.drop_table('sign_in_link')
    # Dropped in place (SQLite 3.35+): a batch copy of "user" would trip the foreign
    # keys that point at it once accounts exist.
    op.drop_column('user', 'phone')
