"""organisations as tenants: locality.level and locality.parent_id

Revision ID: c1e4a7b9d2f5
Revises: a7d3c5e1f9b2
Create Date: 2026-12-07 09:00:00

- `locality.level`: "province", "commune" or "district" (a historical huyện, thị xã);
  every locality stored so far is a district.
- `locality.parent_id`: a commune's province.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1e4a7b9d2f5'
down_revision = 'a7d3c5e1f9b2'
branch_labels = None
depends_on = None


def upgrade():
    # In place: a batch copy of "locality" would trip the foreign keys that point at it.
    op.add_column(
        'locality',
        sa.Column('level', sa.String(length=10), server_default='district', nullable=False),
    )
    if op.get_bind().dialect.name == 'sqlite':  # a new column may carry its REFERENCES
        op.execute('ALTER TABLE locality ADD COLUMN parent_id INTEGER REFERENCES locality (id)')
    else:
        op.add_column('locality', sa.Column('parent_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f('fk_locality_parent_id_locality'), 'locality', 'locality', ['parent_id'], ['id']
        )
    op.create_index(op.f('ix_locality_parent_id'), 'locality', ['parent_id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_locality_parent_id_locality'), 'locality', type_='foreignkey')
    op.drop_index(op.f('ix_locality_parent_id'), table_name='locality')
    op.drop_column('locality', 'parent_id')
    op.drop_column('locality', 'level')
