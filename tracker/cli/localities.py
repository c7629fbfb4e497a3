"""Commands for the organisations an instance serves (issue 16): a province, its communes,
a commune on its own, a historical district.

    flask --app wsgi locality add --level province --name "tỉnh Hưng Yên" --coordinator soNoiVu
    flask --app wsgi locality communes "tỉnh Hưng Yên"   (after its unit catalogue is imported)
    flask --app wsgi locality list
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.cli.common import fail
from tracker.domain.text import one_line
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Locality, Unit
from tracker.models.units import COMMUNE, DISTRICT, LEVEL_LABELS, PROVINCE
from tracker.models.users import COORDINATOR
from tracker.services import catalog
from tracker.services.accounts import AccountError, create_user, new_password
from tracker.services.cascade import CascadeError, create_communes

# The office that follows the plans at each level, made with the locality.
OFFICES = {PROVINCE: "Sở Nội vụ", COMMUNE: "Văn phòng HĐND và UBND", DISTRICT: "Phòng Nội vụ"}


@click.group("locality")
def locality_group() -> None:
    """Địa phương: tỉnh, xã, phường và huyện (trước 1/7/2025) trong cùng một hệ thống."""


def _find(name: str) -> Locality:
    locality = db.session.scalar(select(Locality).where(Locality.name == one_line(name)))
    if locality is None:
        fail(f"Không có địa phương «{name}». Xem danh sách: flask --app wsgi locality list")
    return locality


@locality_group.command("add")
@with_appcontext
@click.option("--level", type=click.Choice([PROVINCE, COMMUNE, DISTRICT]), required=True)
@click.option("--name", required=True, help="Tên: «tỉnh Hưng Yên», «phường Tân Thành».")
@click.option("--province", "province_name", default="", help="Tỉnh (với xã: tỉnh của xã).")
@click.option("--parent", default="", help="Với xã, phường: tỉnh đã có trong hệ thống.")
@click.option("--coordinator", default="", help="Tạo tài khoản theo dõi kế hoạch với tên này.")
def add_command(level: str, name: str, province_name: str, parent: str, coordinator: str) -> None:
    """Thêm một địa phương (và cơ quan theo dõi kế hoạch của nó)."""
    name = one_line(name)
    if not name or " " not in name:
        fail("Tên địa phương phải có cả cấp và tên, ví dụ «tỉnh Hưng Yên», «phường Tân Thành».")
    if db.session.scalar(select(Locality.id).where(Locality.name == name)):
        fail(f"Đã có địa phương «{name}».")
    parent_locality = _find(parent) if parent else None
    if parent_locality is not None and parent_locality.level != PROVINCE:
        fail(f"«{parent_locality.name}» không phải cấp tỉnh.")
    locality = Locality(
        name=name,
        place_name=name.split(" ", 1)[1],
        issuing_body=f"Ủy ban nhân dân {name}",
        province=name
        if level == PROVINCE
        else (parent_locality.name if parent_locality else one_line(province_name)),
        level=level,
        parent=parent_locality,
    )
    db.session.add(locality)
    db.session.flush()
    office = catalog.create_unit(locality, OFFICES[level], UnitKind.OFFICE, [], [], None)
    password = ""
    if coordinator:
        password = new_password()
        try:
            create_user(
                username=coordinator,
                full_name=f"{OFFICES[level]} {locality.place_name}",
                role=COORDINATOR,
                unit=office,
                password=password,
                by=None,
            )
        except AccountError as error:
            fail(str(error))
    db.session.commit()
    click.echo(f"Đã thêm {LEVEL_LABELS[level].lower()}: {locality.name} ({office.name}).")
    if password:
        click.echo(f"Tài khoản {coordinator}, mật khẩu ban đầu: {password} (đổi khi đăng nhập).")


@locality_group.command("communes")
@with_appcontext
@click.argument("province")
def communes_command(province: str) -> None:
    """Tạo các xã, phường của tỉnh theo danh mục đơn vị đã nhập (loại «UBND xã, phường»)."""
    locality = _find(province)
    try:
        made = create_communes(locality)
    except CascadeError as error:
        fail(str(error))
    for commune in made:
        catalog.create_unit(commune, OFFICES[COMMUNE], UnitKind.OFFICE, [], [], None)
    db.session.commit()
    linked = db.session.scalar(
        select(db.func.count()).where(Unit.locality_id == locality.id, Unit.commune_id.is_not(None))
    )
    click.echo(f"Đã tạo {len(made)} xã, phường; {linked} đơn vị của tỉnh đã gắn với xã, phường.")


@locality_group.command("list")
@with_appcontext
def list_command() -> None:
    """Liệt kê các địa phương."""
    for locality in db.session.scalars(select(Locality).order_by(Locality.id)):
        parent = f" — thuộc {locality.parent.name}" if locality.parent else ""
        click.echo(f"{locality.name} ({locality.level_label}){parent}")
