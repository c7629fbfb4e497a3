"""figures: deadline moves as dates, report settings on the plan, activities as the unit of count

Revision ID: 9d4e2a7b1c3f
Revises: 5c2e8b1d4f6a
Create Date: 2026-12-04 20:00:00

- `deadline_change`: each move of an activity's deadline as dates, filled here once from
  the history (whose "Thời hạn" is text for people to read); from now on written with it.
- `plan.basis`, `recipient`, `signer_name`, `signer_role`: what the report upward cites,
  whom it goes to and who signs.
- `plan.count_rule`: activities are the unit of count by default ("all"); a plan still on
  the old default "each" that nobody chose is moved to it. A rule somebody chose (the
  history notes "Đổi cách tính số liệu") stays.
"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4e2a7b1c3f'
down_revision = '5c2e8b1d4f6a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'deadline_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('due_before', sa.Date(), nullable=True),
        sa.Column('due_after', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_change')),
    )
    with op.batch_alter_table('deadline_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_change_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_change_plan_id'), ['plan_id'], unique=False)
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('recipient', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signer_name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signer_role', sa.String(length=20), server_default='deputy', nullable=False))
        batch_op.alter_column('count_rule', existing_type=sa.String(length=10), server_default='all')
    _fill_deadline_changes()
    _default_rule()


def _date(text):
    return datetime.strptime(text, '%d/%m/%Y').date() if text else None


def _fill_deadline_changes():
    """The one place the history's text is read as dates: moves recorded before now."""
    connection = op.get_bind()
    change = sa.table(
        'change', sa.column('id'), sa.column('at'), sa.column('plan_id'),
        sa.column('activity_id'), sa.column('entity'), sa.column('action'),
        sa.column('before', sa.JSON), sa.column('after', sa.JSON),
    )
    rows = connection.execute(
        sa.select(change.c.at, change.c.plan_id, change.c.activity_id, change.c.before, change.c.after)
        .where(change.c.entity == 'activity', change.c.action == 'update')
        .order_by(change.c.at, change.c.id)
    ).all()
    target = sa.table(
        'deadline_change', sa.column('at'), sa.column('plan_id'), sa.column('activity_id'),
        sa.column('due_before'), sa.column('due_after'),
    )
    moves = []
    for at, plan_id, activity_id, before, after in rows:
        before, after = before or {}, after or {}
        if 'Thời hạn' not in before or 'Thời hạn' not in after or activity_id is None:
            continue
        moves.append({
            'at': at, 'plan_id': plan_id, 'activity_id': activity_id,
            'due_before': _date(before['Thời hạn']), 'due_after': _date(after['Thời hạn']),
        })
    if moves:
        connection.execute(target.insert(), moves)


def _default_rule():
    connection = op.get_bind()
    change = sa.table('change', sa.column('plan_id'), sa.column('note'))
    chosen = {
        plan_id for (plan_id,) in connection.execute(
            sa.select(change.c.plan_id).where(change.c.note == 'Đổi cách tính số liệu')
        )
    }
    plan = sa.table('plan', sa.column('id'), sa.column('count_rule'))
    old = [pid for (pid,) in connection.execute(sa.select(plan.c.id).where(plan.c.count_rule == 'each'))]
    moved = [pid for pid in old if pid not in chosen]
    if moved:
        connection.execute(plan.update().where(plan.c.id.in_(moved)).values(count_rule='all'))


def downgrade():
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.alter_column('count_rule', existing_type=sa.String(length=10), server_default='each')
        batch_op.drop_column('signer_role')
        batch_op.drop_column('signer_name')
        batch_op.drop_column('recipient')
        batch_op.drop_column('basis')
    with op.batch_alter_table('deadline_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_change_plan_id'))
        batch_op.drop_index(batch_op.f('ix_deadline_change_activity_id'))
    op.drop_table('deadline_change')
