"""cascading plans: plan.parent_plan_id, activity.source_activity_id, unit.commune_id

Revision ID: e5f1a3c7b9d2
Revises: d4b8e2a6c913
Create Date: 2026-12-09 09:00:00

- `plan.parent_plan_id`: the province plan a commune's plan carries out.
- `activity.source_activity_id`: the province activity a commune's activity was taken
  from (a linked activity).
- `unit.commune_id`: the commune a unit of the province's catalogue ("UBND phường Tân
  Thành") stands for.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f1a3c7b9d2'
down_revision = 'd4b8e2a6c913'
branch_labels = None
depends_on = None

COLUMNS = (  # table, column, referenced table
    ('plan', 'parent_plan_id', 'plan'),
    ('activity', 'source_activity_id', 'activity'),
    ('unit', 'commune_id', 'locality'),
)


def upgrade():
    # In place: a batch copy of these tables would trip the foreign keys that point at them.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, target in COLUMNS:
        if sqlite:  # a new column may carry its REFERENCES
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)')
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(
                op.f(f'fk_{table}_{column}_{target}'), table, target, [column], ['id']
            )
        op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, target in reversed(COLUMNS):
        if not sqlite:
            op.drop_constraint(op.f(f'fk_{table}_{column}_{target}'), table, type_='foreignkey')
        op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
        op.drop_column(table, column)
