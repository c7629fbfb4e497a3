"""locality.office_name: the office that coordinates a locality's plans (issue 16)

Revision ID: e5a1c7d3b9f4
Revises: e5f1a3c7b9d2
Create Date: 2026-12-09 09:00:00

- `locality.office_name`: "Phòng Nội vụ" (a historical district), "Sở Nội vụ" (a
  province), "Văn phòng HĐND và UBND" (a commune): what pages, e-mails, feeds and
  exports call the office that follows the plans. Existing rows get their level's
  default (tracker.domain.offices, written out here so the migration does not change
  with the code).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1c7d3b9f4'
down_revision = 'e5f1a3c7b9d2'
branch_labels = None
depends_on = None

DEFAULTS = {
    'district': 'Phòng Nội vụ',
    'province': 'Sở Nội vụ',
    'commune': 'Văn phòng HĐND và UBND',
}


def upgrade():
    # In place: a batch copy of "locality" would trip the foreign keys that point at it.
    op.add_column(
        'locality',
        sa.Column('office_name', sa.String(length=200), server_default='', nullable=False),
    )
    locality = sa.table('locality', sa.column('level', sa.String), sa.column('office_name'))
    for level, name in DEFAULTS.items():
        op.execute(
            locality.update()
            .where(locality.c.level == level, locality.c.office_name == '')
            .values(office_name=name)
        )


def downgrade():
    op.drop_column('locality', 'office_name')
