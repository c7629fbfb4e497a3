"""index frameworks: PAPI, PAR INDEX, SIPAS and the plans that follow them (issue 16)

Revision ID: b6d2f8a4c1e7
Revises: f3b6d2a9c4e7
Create Date: 2026-12-10 09:00:00

- `index_framework`: a set of indices activities are tagged with, instance-wide.
- `papi_dimension.framework_id`, `.number`: each dimension belongs to a framework and has
  its number there. The 8 PAPI dimensions keep their ids 1–8 (number = id) and every
  activity's tags stay as they are. PAR INDEX's 8 fields and SIPAS's 5 elements are added
  with the next ids.
- `plan_framework`: the frameworks a plan follows; every plan follows PAPI, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6d2f8a4c1e7'
down_revision = 'f3b6d2a9c4e7'
branch_labels = None
depends_on = None

PAPI = 'PAPI'
# (code, name, short name, what its parts are called, [(number, name, English name)]).
# The names of PAR INDEX's fields follow Bộ Nội vụ's PAR INDEX (Quyết định 876/QĐ-BNV
# ngày 10/11/2022); SIPAS's elements its survey of satisfaction with public services.
FRAMEWORKS = [
    (PAPI, 'Chỉ số PAPI', 'PAPI', 'chỉ số nội dung', [
        (1, 'Tham gia của người dân ở cấp cơ sở', 'Participation at local levels'),
        (2, 'Công khai, minh bạch trong việc ra quyết định ở địa phương',
         'Transparency in local decision-making'),
        (3, 'Trách nhiệm giải trình với người dân', 'Vertical accountability'),
        (4, 'Kiểm soát tham nhũng trong khu vực công',
         'Control of corruption in the public sector'),
        (5, 'Thủ tục hành chính công', 'Public administrative procedures'),
        (6, 'Cung ứng dịch vụ công', 'Public service delivery'),
        (7, 'Quản trị môi trường', 'Environmental governance'),
        (8, 'Quản trị điện tử', 'E-governance'),
    ]),
    ('PAR_INDEX', 'Chỉ số cải cách hành chính (PAR INDEX)', 'PAR INDEX', 'lĩnh vực', [
        (1, 'Công tác chỉ đạo, điều hành cải cách hành chính', 'Direction and management of PAR'),
        (2, 'Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật',
         'Legal normative documents'),
        (3, 'Cải cách thủ tục hành chính', 'Administrative procedure reform'),
        (4, 'Cải cách tổ chức bộ máy hành chính nhà nước', 'Organisational reform'),
        (5, 'Cải cách chế độ công vụ', 'Civil service reform'),
        (6, 'Cải cách tài chính công', 'Public finance reform'),
        (7, 'Xây dựng, phát triển chính quyền điện tử, chính quyền số',
         'E-government and digital government'),
        (8, 'Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế '
         '– xã hội', 'Impact of PAR on people, organisations and development'),
    ]),
    ('SIPAS', 'Chỉ số hài lòng (SIPAS)', 'SIPAS', 'yếu tố', [
        (1, 'Tiếp cận dịch vụ', 'Access to services'),
        (2, 'Thủ tục hành chính', 'Administrative procedures'),
        (3, 'Sự phục vụ của công chức', 'Service by civil servants'),
        (4, 'Kết quả giải quyết công việc', 'Results'),
        (5, 'Tiếp nhận, xử lý ý kiến góp ý, phản ánh, kiến nghị',
         'Handling of comments, complaints and petitions'),
    ]),
]


def upgrade():
    op.create_table(
        'index_framework',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('short_name', sa.String(length=30), nullable=False),
        sa.Column('dimension_noun', sa.String(length=30), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_index_framework')),
        sa.UniqueConstraint('code', name=op.f('uq_index_framework_code')),
        sa.UniqueConstraint('name', name=op.f('uq_index_framework_name')),
    )
    # In place: a batch copy of papi_dimension would trip activity_dimension's keys.
    if op.get_bind().dialect.name == 'sqlite':  # a new column may carry its REFERENCES
        op.execute(
            'ALTER TABLE papi_dimension ADD COLUMN framework_id INTEGER '
            'REFERENCES index_framework (id)'
        )
    else:
        op.add_column('papi_dimension', sa.Column('framework_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f('fk_papi_dimension_framework_id_index_framework'),
            'papi_dimension', 'index_framework', ['framework_id'], ['id'],
        )
    op.add_column(
        'papi_dimension',
        sa.Column('number', sa.Integer(), server_default='0', nullable=False),
    )
    _seed(op.get_bind())
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('papi_dimension', 'number', server_default=None)
    op.create_index(
        'ix_papi_dimension_framework_number', 'papi_dimension', ['framework_id', 'number'],
        unique=True,
    )
    op.create_table(
        'plan_framework',
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('framework_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['framework_id'], ['index_framework.id'],
            name=op.f('fk_plan_framework_framework_id_index_framework'),
        ),
        sa.ForeignKeyConstraint(
            ['plan_id'], ['plan.id'], name=op.f('fk_plan_framework_plan_id_plan'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('plan_id', 'framework_id', name=op.f('pk_plan_framework')),
    )
    op.execute(
        "INSERT INTO plan_framework (plan_id, framework_id) SELECT plan.id, index_framework.id "
        "FROM plan, index_framework WHERE index_framework.code = 'PAPI'"
    )


def _seed(bind):
    framework = sa.table(
        'index_framework', *(sa.column(c) for c in (
            'id', 'code', 'name', 'short_name', 'dimension_noun', 'position'))
    )
    dimension = sa.table(
        'papi_dimension', *(sa.column(c) for c in ('id', 'framework_id', 'number', 'name', 'name_en'))
    )
    for position, (code, name, short, noun, _) in enumerate(FRAMEWORKS, start=1):
        bind.execute(framework.insert().values(
            code=code, name=name, short_name=short, dimension_noun=noun, position=position))
    ids = dict(bind.execute(sa.select(framework.c.code, framework.c.id)).all())
    # The dimensions stored so far are PAPI's, their ids their numbers.
    bind.execute(dimension.update().values(framework_id=ids[PAPI], number=dimension.c.id))
    stored = set(bind.execute(sa.select(dimension.c.id)).scalars())
    next_id = max(stored | {8}) + 1
    for code, _, _, _, rows in FRAMEWORKS:
        for number, name, name_en in rows:
            if code == PAPI:
                if number in stored:
                    continue
                row_id = number
            else:
                row_id, next_id = next_id, next_id + 1
            bind.execute(dimension.insert().values(
                id=row_id, framework_id=ids[code], number=number, name=name, name_en=name_en))


def downgrade():
    op.drop_table('plan_framework')
    op.execute(
        "DELETE FROM activity_dimension WHERE dimension_id IN (SELECT d.id FROM papi_dimension d "
        "JOIN index_framework f ON f.id = d.framework_id WHERE f.code <> 'PAPI')"
    )
    op.execute(
        "DELETE FROM papi_dimension WHERE framework_id IN "
        "(SELECT id FROM index_framework WHERE code <> 'PAPI')"
    )
    op.drop_index('ix_papi_dimension_framework_number', table_name='papi_dimension')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(
            op.f('fk_papi_dimension_framework_id_index_framework'), 'papi_dimension',
            type_='foreignkey',
        )
    op.drop_column('papi_dimension', 'number')
    op.drop_column('papi_dimension', 'framework_id')
    op.drop_table('index_framework')
