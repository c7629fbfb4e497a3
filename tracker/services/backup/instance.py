"""Backup and restore: one .tar.gz holding the database, every evidence file and a manifest.

`create_backup` may run while the app serves requests: the database copy is one consistent
moment (backup.database), and the evidence files are gathered after it. That order is safe
because an evidence file is written under its SHA-256 name before the row that refers to
it is committed, and is never changed or removed afterwards (services/attachments.py): every
file the copy refers to already exists; files newer than the copy are harmless extras.

`restore_backup` is for a stopped app. It changes nothing until the whole bundle has been
read and checked (manifest, every SHA-256, integrity_check, row counts, the migrations run
on the unpacked copy); then it adds the evidence files and, on SQLite, renames the database
into place in one step. No Flask here: the settings and the migration runner come in.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import models  # noqa: F401 — every table in db.metadata
from tracker.clock import now_utc
from tracker.extensions import db
from tracker.services.attachments import path_for
from tracker.services.backup.bundle import (
    ATTACHMENT_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    BundleFile,
    bundle_file,
    copy_file,
    read_bundle,
    sha256_file,
    write_bundle,
)
from tracker.services.backup.database import (
    MEMBERS,
    SQLITE,
    BackupError,
    DatabaseCopy,
    check_sqlite,
    copy_sqlite,
    count_plans,
    database_kind,
    dump_postgres,
    install_sqlite,
    read_postgres,
    read_sqlite,
    restore_postgres,
    settle_sqlite,
    sqlite_path,
)

__all__ = ["BackupError", "BackupSettings", "create_backup", "restore_backup"]

# Tables named in what the commands print (the manifest counts every table).
MAIN_TABLES = {
    "plan": "kế hoạch",
    "activity": "hoạt động",
    "assignment": "phân công",
    "progress_report": "báo cáo tiến độ",
    "report_event": "lượt đổi trạng thái báo cáo",
    "attachment": "tệp minh chứng",
    "user": "tài khoản",
    "notification": "thông báo",
}
KIND_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# Upgrades the database at a URL to the newest schema (the CLI runs Alembic).
Migrate = Callable[[str], None]


@dataclass(frozen=True)
class BackupSettings:
    database_url: str
    attachments_dir: Path
    app_version: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any], app_version: str) -> BackupSettings:
        return cls(
            database_url=config["SQLALCHEMY_DATABASE_URI"],
            attachments_dir=Path(config["ATTACHMENTS_DIR"]),
            app_version=app_version,
        )


@dataclass(frozen=True)
class BackupResult:
    output: Path
    manifest: dict[str, Any]
    size: int  # bytes of the .tar.gz
    attachments: int
    attachment_bytes: int
    missing: list[str]  # referred to by the database, not on disk
    damaged: list[str]  # on disk, content no longer matching the name


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    kind: str
    plans_replaced: int
    counts: dict[str, int]  # as restored, before the migrations
    revision: str | None  # after the migrations
    attachments: int
    attachments_added: int
    missing: list[str]  # referred to by the restored database, not on disk
    damaged: list[str] = field(default_factory=list)  # in the bundle, content ≠ name: skipped


# ---- backup ---------------------------------------------------------------------------


def create_backup(settings: BackupSettings, output: Path) -> BackupResult:
    kind = database_kind(settings.database_url)
    if not output.name.endswith((".tar.gz", ".tgz")):
        raise BackupError("Tên tệp sao lưu phải có đuôi .tar.gz (vd: papi-2024-05-01.tar.gz).")
    if not output.parent.is_dir():
        raise BackupError(f"Không có thư mục «{output.parent}» để ghi tệp sao lưu.")
    moment = now_utc()
    # Work beside the output: the copy needs as much room as the database, and the
    # finished archive is then renamed into place on the same file system.
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as work:
        copy = _copy_database(kind, settings.database_url, Path(work) / MEMBERS[kind])
        attachments = _attachment_files(settings.attachments_dir)  # after the copy: see top
        present = {item.member.rsplit("/", 1)[1] for item in attachments}
        missing = sorted(copy.attachment_shas - present)
        damaged = [item.member for item in attachments if not item.member.endswith(item.sha256)]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": settings.app_version,
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "database": {
                "kind": kind,
                "alembic_revision": copy.revision,
                "counts": copy.counts,
            },
            "attachments": {"count": len(attachments), "missing": missing, "damaged": damaged},
        }
        files = [bundle_file(MEMBERS[kind], copy.path), *attachments]
        write_bundle(output, manifest, files, int(moment.timestamp()))
    return BackupResult(
        output=output,
        manifest=manifest,
        size=output.stat().st_size,
        attachments=len(attachments),
        attachment_bytes=sum(item.size for item in attachments),
        missing=missing,
        damaged=damaged,
    )


def _copy_database(kind: str, url: str, target: Path) -> DatabaseCopy:
    if kind == SQLITE:
        return copy_sqlite(sqlite_path(url), target)
    return dump_postgres(url, target)


def _attachment_files(folder: Path) -> list[BundleFile]:
    """Stored evidence files, i.e. `ab/abcdef…` (64 hex digits). `.part` files are uploads
    still being written, whose rows cannot be committed yet: left out."""
    if not folder.is_dir():
        return []
    return [
        bundle_file(f"attachments/{path.parent.name}/{path.name}", path)
        for path in sorted(folder.glob("??/*"))
        if path.is_file()
        and ATTACHMENT_MEMBER.fullmatch(f"attachments/{path.parent.name}/{path.name}")
    ]


# ---- restore --------------------------------------------------------------------------


def restore_backup(
    settings: BackupSettings, bundle: Path, *, force: bool, migrate: Migrate
) -> RestoreResult:
    url = settings.database_url
    kind = database_kind(url)
    try:
        plans = count_plans(url)
    except BackupError:
        if not force:
            raise
        plans = 0  # an unreadable database, replaced as asked
    if plans and not force:
        raise BackupError(
            f"CSDL hiện tại đã có {plans} kế hoạch: khôi phục sẽ thay toàn bộ dữ liệu. "
            "Không thay đổi gì. Sao lưu CSDL hiện tại trước, rồi chạy lại với --force."
        )
    staging_parent = None
    if kind == SQLITE:
        # Unpack beside the database, so that the final os.replace is a rename.
        staging_parent = sqlite_path(url).resolve().parent
        staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=staging_parent) as work:
        staging = Path(work).resolve()
        manifest = read_bundle(bundle, staging)
        if manifest["database"]["kind"] != kind:
            raise BackupError(
                f"Bản sao lưu chứa CSDL {KIND_LABELS[manifest['database']['kind']]}, hệ thống "
                f"đang dùng {KIND_LABELS[kind]}: không khôi phục chéo được."
            )
        staged = staging / MEMBERS[kind]
        prepared = _prepare_sqlite(staged, manifest, migrate) if kind == SQLITE else None
        attachments, added, damaged = _restore_attachments(staging, settings.attachments_dir)
        if prepared is not None:
            install_sqlite(staged, sqlite_path(url).resolve())
            restored = prepared
        else:
            restored = _restore_postgres(url, staged, manifest, migrate)
    return RestoreResult(
        manifest=manifest,
        kind=kind,
        plans_replaced=plans,
        counts=manifest["database"]["counts"],
        revision=restored.revision,
        attachments=attachments,
        attachments_added=added,
        damaged=damaged,
        missing=sorted(
            sha
            for sha in restored.attachment_shas
            if not path_for(settings.attachments_dir, sha).is_file()
        ),
    )


def _prepare_sqlite(staged: Path, manifest: dict[str, Any], migrate: Migrate) -> DatabaseCopy:
    """Check the unpacked database and bring it to the current schema, all before anything
    of the running instance is touched: a failure here changes nothing."""
    check_sqlite(staged, "CSDL trong bản sao lưu")
    _check_counts(read_sqlite(staged).counts, manifest)
    migrate(f"sqlite:///{staged}")
    settle_sqlite(staged)
    check_sqlite(staged, "CSDL sau khi nâng cấp lược đồ")
    return read_sqlite(staged)


def _restore_postgres(
    url: str, dump: Path, manifest: dict[str, Any], migrate: Migrate
) -> DatabaseCopy:
    restore_postgres(url, dump, set(db.metadata.tables) | {"alembic_version"})
    _check_counts(read_postgres(url).counts, manifest)
    migrate(url)
    return read_postgres(url)


def _check_counts(counts: dict[str, int], manifest: dict[str, Any]) -> None:
    if counts != manifest["database"]["counts"]:
        raise BackupError(
            "Số dòng trong CSDL của bản sao lưu khác số ghi trong manifest: bản sao lưu hỏng."
        )


def _restore_attachments(staging: Path, folder: Path) -> tuple[int, int, list[str]]:
    """Add the bundle's evidence files; (in the bundle, written, damaged in the bundle).
    A file's name is its content's hash: a file already there whose content matches its
    name is intact and never overwritten; a bundled file whose content does not match
    its name (damaged before it was backed up) is never written."""
    total = added = 0
    damaged = []
    for path in sorted(staging.glob("attachments/??/*")):
        total += 1
        target = path_for(folder, path.name)
        if target.is_file() and sha256_file(target) == path.name:
            continue
        if sha256_file(path) != path.name:
            damaged.append(path.name)
            continue
        copy_file(path, target)
        added += 1
    return total, added, damaged
