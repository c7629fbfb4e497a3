"""report changed_at

Revision ID: 7c07359453d5
Revises: cb20196471d2
Create Date: 2026-11-24 13:05:44.974717

"""
from alembic import op
import sqlalchemy as sa

import tracker.models.types


# revision identifiers, used by Alembic.
revision = '7c07359453d5'
down_revision = 'cb20196471d2'
branch_labels = None
depends_on = None


def upgrade():
    # Added empty, filled from each report's last event, then made required.
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', tracker.models.types.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE progress_report SET changed_at = COALESCE("
        "(SELECT max(report_event.at) FROM report_event"
        " WHERE report_event.report_id = progress_report.id), updated_at)"
    )
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.alter_column('changed_at', existing_type=tracker.models.types.UTCDateTime(), nullable=False)
        batch_op.create_index(batch_op.f('ix_progress_report_changed_at'), ['changed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_report_changed_at'))
        batch_op.drop_column('changed_at')
