"""demo localities: locality.is_demo

Revision ID: f3b6d2a9c4e7
Revises: e5a1c7d3b9f4
Create Date: 2026-12-09 15:00:00

- `locality.is_demo`: the locality and everything in it are sample data (the synthetic
  province of `flask seed --demo province`); every page and export of it says so.
  Every locality stored so far is real.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b6d2a9c4e7'
down_revision = 'e5a1c7d3b9f4'
branch_labels = None
depends_on = None


def upgrade():
    # In place: a batch copy of "locality" would trip the foreign keys that point at it.
    op.add_column(
        'locality',
        sa.Column('is_demo', sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    op.drop_column('locality', 'is_demo')
