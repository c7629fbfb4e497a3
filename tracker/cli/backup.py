"""`flask --app wsgi backup` and `restore`."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command as alembic_command
from alembic.util import CommandError
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from tracker import database
from tracker.cli.common import fail
from tracker.extensions import db
from tracker.services.backup import instance as backup_service
from tracker.services.backup.instance import BackupError, BackupSettings
from tracker.services.exports.report import tracker_version

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _settings() -> BackupSettings:
    return BackupSettings.from_config(current_app.config, tracker_version())


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(
        f"{_n(counts[table])} {label}"
        for table, label in backup_service.MAIN_TABLES.items()
        if table in counts
    )


@click.command("backup")
@with_appcontext
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp sao lưu sẽ ghi, đuôi .tar.gz.",
)
def backup_command(output: Path) -> None:
    """Sao lưu CSDL và mọi tệp minh chứng vào một tệp .tar.gz (chạy được khi web đang chạy)."""
    try:
        result = backup_service.create_backup(_settings(), output)
    except BackupError as exc:
        fail(f"Không sao lưu được: {exc}")
    database = result.manifest["database"]
    how = {"sqlite": "online backup API, integrity_check: ok", "postgresql": "pg_dump"}
    click.echo(
        f"Đã chép CSDL {backup_service.KIND_LABELS[database['kind']]} "
        f"({how[database['kind']]}; lược đồ {database['alembic_revision']}): "
        f"{_counts(database['counts'])}."
    )
    click.echo(
        f"Đã kèm {_n(result.attachments)} tệp minh chứng "
        f"({_n(result.attachment_bytes)} byte) và manifest.json với SHA-256 của từng tệp."
    )
    for sha in result.missing:
        click.echo(f"Cảnh báo: thiếu tệp minh chứng {sha} mà CSDL có nhắc tới.", err=True)
    for member in result.damaged:
        click.echo(f"Cảnh báo: tệp {member} có nội dung không khớp tên (hỏng).", err=True)
    click.echo(f"Tệp sao lưu: {result.output} ({_n(result.size)} byte).")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Thay cả CSDL đang có kế hoạch.")
def restore_command(file: Path, force: bool) -> None:
    """Khôi phục CSDL và tệp minh chứng từ tệp sao lưu. Dừng web và tiến trình hẹn giờ trước."""
    # This process must hold no connection to the database file it is about to replace.
    db.session.remove()
    db.engine.dispose()
    try:
        result = backup_service.restore_backup(
            _settings(), file, force=force, migrate=_upgrade_schema
        )
    except BackupError as exc:
        fail(f"Không khôi phục: {exc}")
    manifest = result.manifest
    click.echo(
        f"Đã kiểm tra {_n(len(manifest['files']))} tệp trong bản sao lưu lúc "
        f"{manifest['created_at']} (phiên bản {manifest['app_version']}): SHA-256 khớp manifest."
    )
    if result.plans_replaced:
        click.echo(f"Đã thay CSDL cũ ({_n(result.plans_replaced)} kế hoạch) — theo --force.")
    click.echo(
        f"Đã khôi phục CSDL {backup_service.KIND_LABELS[result.kind]}: {_counts(result.counts)}."
    )
    before = manifest["database"]["alembic_revision"]
    if before == result.revision:
        click.echo(f"Lược đồ đã là bản mới nhất ({result.revision}).")
    else:
        click.echo(f"Đã nâng cấp lược đồ từ {before} lên {result.revision}.")
    click.echo(
        f"Tệp minh chứng: {_n(result.attachments)} trong bản sao lưu, "
        f"chép mới {_n(result.attachments_added)}."
    )
    for sha in result.damaged:
        click.echo(
            f"Cảnh báo: tệp minh chứng {sha} trong bản sao lưu đã hỏng (nội dung khác tên): "
            "không chép.",
            err=True,
        )
    for sha in result.missing:
        click.echo(f"Cảnh báo: CSDL nhắc tới tệp minh chứng {sha} nhưng không có tệp.", err=True)


def _upgrade_schema(url: str) -> None:
    """`flask db upgrade` on the database at `url`: the migrations run on a connection of
    an engine made for it, set up as the app's own (migrations/env.py takes a given
    connection before the app's engine)."""
    engine = create_engine(url, **database.engine_options(url, _busy_timeout()))
    database.configure_engine(engine, _busy_timeout())
    try:
        with engine.connect() as connection:
            config = current_app.extensions["migrate"].migrate.get_config(str(MIGRATIONS))
            config.attributes["connection"] = connection
            alembic_command.upgrade(config, "head")
    except CommandError as exc:
        raise BackupError(
            f"Không nâng cấp được lược đồ của bản sao lưu ({exc}); bản sao lưu có thể "
            "từ phiên bản mới hơn phiên bản đang cài."
        ) from exc
    except SQLAlchemyError as exc:
        raise BackupError(f"Nâng cấp lược đồ thất bại: {exc.__class__.__name__}.") from exc
    finally:
        engine.dispose()


def _busy_timeout() -> float:
    return float(current_app.config["SQLITE_BUSY_TIMEOUT"])
