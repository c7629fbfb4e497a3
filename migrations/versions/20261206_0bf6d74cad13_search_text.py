"""search: folded texts of progress reports and evidence file names

Revision ID: 0bf6d74cad13
Revises: 8f2a6c4d1e93
Create Date: 2026-12-06 09:00:00

- `progress_report.search_text`: the report's texts (result, evidence, review comment,
  difficulties, proposals, reason) folded — no diacritics, lower case — so the search
  page filters reports with LIKE instead of loading them. Filled here for every report.
- `attachment.search_text`: the evidence file's name, folded the same way.

Both are kept up to date by the models on every insert and update afterwards.
"""
from alembic import op
import sqlalchemy as sa

from tracker.domain.text import fold


# revision identifiers, used by Alembic.
revision = '0bf6d74cad13'
down_revision = '8f2a6c4d1e93'
branch_labels = None
depends_on = None

REPORT_FIELDS = ('result', 'evidence_text', 'review_comment', 'difficulties', 'proposals', 'reason')
BATCH = 5000


def upgrade():
    # ADD COLUMN in place, never a copy of the table (see downgrade).
    with op.batch_alter_table('progress_report', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('attachment', schema=None, recreate='never') as batch_op:
        batch_op.add_column(
            sa.Column('search_text', sa.String(length=255), server_default='', nullable=False)
        )
    connection = op.get_bind()
    report = sa.table('progress_report', sa.column('id'), sa.column('search_text'),
                      *(sa.column(name) for name in REPORT_FIELDS))
    _fill(connection, report, lambda row: fold(' | '.join(row[n] or '' for n in REPORT_FIELDS)))
    attachment = sa.table('attachment', sa.column('id'), sa.column('search_text'),
                          sa.column('filename'))
    _fill(connection, attachment, lambda row: fold(row['filename'])[:255])


def _fill(connection, table, folded):
    """Fold every row, a batch of ids at a time (a province has ~600,000 reports)."""
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).mappings().all()
        if not rows:
            return
        connection.execute(
            table.update().where(table.c.id == sa.bindparam('row_id'))
            .values(search_text=sa.bindparam('folded')),
            [{'row_id': row['id'], 'folded': folded(row)} for row in rows],
        )
        last = rows[-1]['id']


def downgrade():
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), never a copy of the table: dropping the
    # old progress_report, with foreign keys on, would cascade to its events, documents
    # and files.
    with op.batch_alter_table('attachment', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('search_text')
    with op.batch_alter_table('progress_report', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('search_text')
