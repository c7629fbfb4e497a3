"""revocable sessions and throttling by browser: user.session_version, revoked_session,
login_attempt.device

Revision ID: 4b8c1e6f2a9d
Revises: 9d4e2a7b1c3f
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b8c1e6f2a9d'
down_revision = '9d4e2a7b1c3f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sa.String(length=32), server_default='', nullable=False))
    op.create_table(
        'revoked_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sid_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revoked_session')),
        sa.UniqueConstraint('sid_hash', name=op.f('uq_revoked_session_sid_hash')),
    )
    with op.batch_alter_table('revoked_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_session_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('revoked_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_session_expires_at'))
    op.drop_table('revoked_session')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_column('device')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
