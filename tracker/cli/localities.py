"""Commands for the organisations an instance serves (issue 16): a province, its communes,
a commune on its own, a historical district.

    flask --app wsgi locality add --level province --name "tỉnh Hưng Yên" --coordinator soNoiVu
    flask --app wsgi locality communes "tỉnh Hưng Yên" --accounts tai-khoan-xa.csv
        (after the province's unit catalogue is imported: a commune, its office and its
        coordinator's account for each «UBND xã, phường» unit)
    flask --app wsgi locality list
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.cli.common import fail
from tracker.domain.offices import office_name
from tracker.domain.places import place_name
from tracker.domain.text import fold, one_line
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Locality, Unit
from tracker.models.units import COMMUNE, DISTRICT, LEVEL_LABELS, PROVINCE
from tracker.models.users import COORDINATOR
from tracker.services import catalog
from tracker.services.accounts import AccountError, create_user, new_password, username_taken
from tracker.services.cascade import CascadeError, create_communes


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
@click.option(
    "--office",
    default="",
    help="Cơ quan theo dõi kế hoạch (mặc định theo cấp: Sở Nội vụ; Văn phòng HĐND và UBND).",
)
@click.option("--coordinator", default="", help="Tạo tài khoản theo dõi kế hoạch với tên này.")
def add_command(
    level: str, name: str, province_name: str, parent: str, office: str, coordinator: str
) -> None:
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
        place_name=place_name(name),
        issuing_body=f"Ủy ban nhân dân {name}",
        province=name
        if level == PROVINCE
        else (parent_locality.name if parent_locality else one_line(province_name)),
        level=level,
        parent=parent_locality,
        office_name=office_name(office, level),
    )
    db.session.add(locality)
    db.session.flush()
    office_unit = catalog.create_unit(locality, locality.office_name, UnitKind.OFFICE, [], [], None)
    password = ""
    if coordinator:
        try:
            password = _add_coordinator(locality, office_unit, coordinator)
        except AccountError as error:
            fail(str(error))
    db.session.commit()
    click.echo(f"Đã thêm {LEVEL_LABELS[level].lower()}: {locality.name} ({office_unit.name}).")
    if password:
        click.echo(f"Tài khoản {coordinator}, mật khẩu ban đầu: {password} (đổi khi đăng nhập).")


@locality_group.command("communes")
@with_appcontext
@click.argument("province")
@click.option(
    "--accounts",
    "accounts_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tạo tài khoản theo dõi kế hoạch cho mỗi xã, phường mới; ghi tên đăng nhập và "
    "mật khẩu ban đầu vào tệp CSV này (chỉ chủ tệp đọc được).",
)
def communes_command(province: str, accounts_file: Path | None) -> None:
    """Tạo các xã, phường của tỉnh theo danh mục đơn vị đã nhập (loại «UBND xã, phường»)."""
    locality = _find(province)
    if accounts_file is not None and accounts_file.exists():
        fail(f"Tệp {accounts_file} đã có; chọn tên khác để không ghi đè.")
    try:
        made = create_communes(locality)
    except CascadeError as error:
        fail(str(error))
    accounts = []
    for commune in made:
        office = catalog.create_unit(commune, commune.office_name, UnitKind.OFFICE, [], [], None)
        if accounts_file is not None:
            username = _free_username(".".join(fold(commune.name).split())[:40])
            password = _add_coordinator(commune, office, username)
            accounts.append((username, commune.name, password))
    if accounts_file is not None:
        _write_accounts(accounts_file, accounts)
    db.session.commit()
    linked = db.session.scalar(
        select(db.func.count()).where(Unit.locality_id == locality.id, Unit.commune_id.is_not(None))
    )
    click.echo(f"Đã tạo {len(made)} xã, phường; {linked} đơn vị của tỉnh đã gắn với xã, phường.")


def _add_coordinator(locality: Locality, office: Unit, username: str) -> str:
    """The account of the office that follows `locality`'s plan, named after the office
    ("Phòng Nội vụ phường Tân Thành"); returns its initial password."""
    password = new_password()
    create_user(
        username=username,
        full_name=f"{locality.office_name} {locality.place_name}",
        role=COORDINATOR,
        unit=office,
        password=password,
        by=None,
    )
    return password


def _free_username(base: str) -> str:
    """ "phuong.tan.thanh", or "phuong.tan.thanh.2" when taken."""
    username, n = base, 1
    while username_taken(username):
        n += 1
        username = f"{base[:37]}.{n}"
    return username


def _write_accounts(path: Path, accounts: list[tuple[str, str, str]]) -> None:
    """The new accounts and their initial passwords, readable by the file's owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Tên đăng nhập", "Xã, phường", "Mật khẩu ban đầu"])
        writer.writerows(accounts)
    click.echo(f"Đã ghi {len(accounts)} tài khoản vào {path}.")


@locality_group.command("list")
@with_appcontext
def list_command() -> None:
    """Liệt kê các địa phương."""
    for locality in db.session.scalars(select(Locality).order_by(Locality.id)):
        parent = f" — thuộc {locality.parent.name}" if locality.parent else ""
        click.echo(f"{locality.name} ({locality.level_label}){parent} · {locality.office_name}")
