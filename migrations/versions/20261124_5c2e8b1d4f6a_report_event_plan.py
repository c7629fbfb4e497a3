"""report event plan: each plan's last event tells whether its figures changed

Revision ID: 5c2e8b1d4f6a
Revises: 3a1f0c9d2b7e
Create Date: 2026-11-24 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2e8b1d4f6a'
down_revision = '3a1f0c9d2b7e'
branch_labels = None
depends_on = None


def upgrade():
    # Added empty, filled from each event's report, then made required.
    with op.batch_alter_table('report_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE report_event SET plan_id = ("
        "SELECT reporting_period.plan_id FROM progress_report"
        " JOIN reporting_period ON reporting_period.id = progress_report.period_id"
        " WHERE progress_report.id = report_event.report_id)"
    )
    with op.batch_alter_table('report_event', schema=None) as batch_op:
        batch_op.alter_column('plan_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_report_event_plan_id_plan'), 'plan', ['plan_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.create_index('ix_report_event_plan_version', ['plan_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_event', schema=None) as batch_op:
        batch_op.drop_index('ix_report_event_plan_version')
        batch_op.drop_constraint(batch_op.f('fk_report_event_plan_id_plan'), type_='foreignkey')
        batch_op.drop_column('plan_id')
