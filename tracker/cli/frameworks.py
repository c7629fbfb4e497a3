"""`frameworks list` and `frameworks add`: the instance's index frameworks (bộ chỉ số)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from tracker.cli.common import fail
from tracker.domain.frameworks import DIMENSION_NOUNS
from tracker.extensions import db
from tracker.services import frameworks as framework_service


@click.group("frameworks")
def frameworks_group() -> None:
    """Bộ chỉ số (PAPI, PAR INDEX, SIPAS…) dùng để gắn cho các hoạt động của kế hoạch."""


@frameworks_group.command("list")
@with_appcontext
def list_command() -> None:
    """Liệt kê các bộ chỉ số và chỉ số thành phần."""
    for framework in framework_service.all_frameworks():
        click.echo(f"{framework.code}: {framework.name} ({framework.short_name})")
        for d in framework.dimensions:
            click.echo(f"  {d.number}. {d.name}")


@frameworks_group.command("add")
@with_appcontext
@click.option("--name", required=True, help="Tên bộ chỉ số, vd «Chỉ số hài lòng (SIPAS)».")
@click.option("--short-name", required=True, help="Tên viết tắt, vd «SIPAS».")
@click.option(
    "--called",
    "dimension_noun",
    type=click.Choice(list(DIMENSION_NOUNS)),
    default="chỉ số nội dung",
    show_default=True,
    help="Các phần của bộ chỉ số gọi là gì.",
)
@click.option(
    "--dimension", "dimensions", multiple=True, required=True, help="Một chỉ số thành phần."
)
def add_command(name: str, short_name: str, dimension_noun: str, dimensions: tuple[str]) -> None:
    """Thêm một bộ chỉ số với các chỉ số thành phần (đánh số 1, 2… theo thứ tự)."""
    try:
        framework = framework_service.add_framework(
            name, short_name, dimension_noun, "\n".join(dimensions), None
        )
    except framework_service.FrameworkError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    click.echo(f"Đã thêm {framework.name}: {len(framework.dimensions)} {dimension_noun}.")
