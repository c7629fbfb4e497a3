"""report figures index: what the figures read of a plan's reports, in one index

Revision ID: 3a1f0c9d2b7e
Revises: f901ab7679b4
Create Date: 2026-11-24 16:10:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "3a1f0c9d2b7e"
down_revision = "f901ab7679b4"
branch_labels = None
depends_on = None

COLUMNS = ["period_id", "assignment_id", "state", "status", "completed_on", "changed_at", "id"]


def upgrade():
    # The new index starts with period_id, so it serves every lookup the old one did.
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.create_index("ix_progress_report_figures", COLUMNS, unique=False)
        batch_op.drop_index("ix_progress_report_period_id")


def downgrade():
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.create_index("ix_progress_report_period_id", ["period_id"], unique=False)
        batch_op.drop_index("ix_progress_report_figures")
