"""report events: who (report_event.by_id) and the reviewer's comment (report_event.comment)

Revision ID: 8f2a6c4d1e93
Revises: a7c4e1d9b3f2
Create Date: 2026-12-06 09:00:00

The report page says who sent a report and who reviewed it, and when, from its events.
Events already written are filled where the report's own columns tell for sure:
- the review that followed the last sending: `reviewed_by_id` and `review_comment`;
- the last sending, when nothing but that review came after it (a later draft saved by
  someone else would have changed `updated_by_id`): `updated_by_id`.
Others stay unknown (None, ""); the page then names nobody.
"""
from itertools import groupby

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f2a6c4d1e93'
down_revision = 'a7c4e1d9b3f2'
branch_labels = None
depends_on = None

EVENTS = sa.table(
    'report_event',
    sa.column('id', sa.Integer),
    sa.column('report_id', sa.Integer),
    sa.column('state', sa.String),
    sa.column('by_id', sa.Integer),
    sa.column('comment', sa.Text),
)
REPORTS = sa.table(
    'progress_report',
    sa.column('id', sa.Integer),
    sa.column('updated_by_id', sa.Integer),
    sa.column('reviewed_by_id', sa.Integer),
    sa.column('review_comment', sa.Text),
)


def upgrade():
    with op.batch_alter_table('report_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('comment', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_report_event_by_id_user'), 'user', ['by_id'], ['id'])
    _fill(op.get_bind())


def _fill(connection):
    reports = {r.id: r for r in connection.execute(sa.select(REPORTS))}
    rows = connection.execute(
        sa.select(EVENTS.c.id, EVENTS.c.report_id, EVENTS.c.state).order_by(
            EVENTS.c.report_id, EVENTS.c.id
        )
    ).all()
    for report_id, events in groupby(rows, key=lambda e: e.report_id):
        events = list(events)
        sent = [i for i, e in enumerate(events) if e.state == 'submitted']
        report = reports.get(report_id)
        if not sent or report is None:
            continue
        after = events[sent[-1] + 1 :]
        if after and after[0].state in ('accepted', 'returned') and report.reviewed_by_id:
            _set(connection, after[0].id, by_id=report.reviewed_by_id, comment=report.review_comment or '')
        if len(after) <= 1 and report.updated_by_id:
            _set(connection, events[sent[-1]].id, by_id=report.updated_by_id)


def _set(connection, event_id, **values):
    connection.execute(EVENTS.update().where(EVENTS.c.id == event_id).values(**values))


def downgrade():
    with op.batch_alter_table('report_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_event_by_id_user'), type_='foreignkey')
        batch_op.drop_column('comment')
        batch_op.drop_column('by_id')
