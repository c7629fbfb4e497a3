"""unit.short_name: how a unit is written short (issue 16, the unit catalogue sheet)

Revision ID: d4b8e2a6c913
Revises: c1e4a7b9d2f5
Create Date: 2026-12-08 09:00:00

- `unit.short_name`: "Sở TC", "VP HĐND-UBND"; "" when none is recorded. The short name is
  also stored as one of the unit's aliases, so matching needs nothing new.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4b8e2a6c913'
down_revision = 'c1e4a7b9d2f5'
branch_labels = None
depends_on = None


def upgrade():
    # In place: a batch copy of "unit" would trip the foreign keys that point at it.
    op.add_column(
        'unit',
        sa.Column('short_name', sa.String(length=50), server_default='', nullable=False),
    )


def downgrade():
    op.drop_column('unit', 'short_name')
