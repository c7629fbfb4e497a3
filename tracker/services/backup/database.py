"""The database half of a backup: a consistent copy out, a verified copy back in.

SQLite is copied with its online backup API, never as a file: a file copy taken while the
app writes can catch half a transaction, or miss what still sits in the `-wal` file.
PostgreSQL goes through `pg_dump`/`pg_restore`. Either way the row counts and the set of
evidence files the copy refers to are read from the very same snapshot as the copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

SQLITE, POSTGRESQL = "sqlite", "postgresql"
MEMBERS = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
# pg_dump of a small district database takes seconds; an hour means something is stuck.
PG_TIMEOUT_S = 3600


class BackupError(ValueError):
    """The message is for the user."""


@dataclass(frozen=True)
class DatabaseCopy:
    path: Path
    revision: str | None  # alembic_version of the copy
    counts: dict[str, int]  # rows per table, alembic_version left out
    attachment_shas: frozenset[str]  # evidence files the copy refers to


def database_kind(url: str) -> str:
    if url.startswith("sqlite"):
        return SQLITE
    if url.startswith("postgresql"):
        return POSTGRESQL
    raise BackupError("Chỉ sao lưu, khôi phục được CSDL SQLite hoặc PostgreSQL.")


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("CSDL SQLite trong bộ nhớ không sao lưu, khôi phục được.")
    return Path(database)


# ---- SQLite ---------------------------------------------------------------------------


def copy_sqlite(source: Path, target: Path) -> DatabaseCopy:
    """Copy a live SQLite database to `target` and check the copy."""
    if not source.is_file():
        raise BackupError(f"Không tìm thấy tệp CSDL «{source}».")
    try:
        # Read-only: a backup must never write to the database it copies.
        with (
            closing(sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            # One step (pages=-1) reads every page in a single read transaction, so the
            # copy is one moment even under write load; in WAL mode writers go on
            # meanwhile. Several steps would restart whenever another connection writes.
            src.backup(dst, pages=-1)
            # The copy becomes one self-contained file, with no -wal beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"Không chép được CSDL SQLite: {exc}.") from exc
    check_sqlite(target, "Bản chép CSDL")
    return read_sqlite(target)


def check_sqlite(path: Path, what: str) -> None:
    """PRAGMA integrity_check must answer exactly "ok"."""
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
            rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        rows = [str(exc)]
    if rows != ["ok"]:
        problems = "; ".join(str(row) for row in rows[:3])
        raise BackupError(f"{what} không toàn vẹn (integrity_check: {problems}). Không dùng được.")


def read_sqlite(path: Path) -> DatabaseCopy:
    with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in sorted(tables)
            if table != "alembic_version"
        }
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        shas: frozenset[str] = frozenset()
        if "attachment" in tables:
            shas = frozenset(row[0] for row in conn.execute("SELECT sha256 FROM attachment"))
    return DatabaseCopy(path, revision, counts, shas)


def settle_sqlite(path: Path) -> None:
    """Leave `path` as one file (no -wal/-shm) after the migrations ran on it in WAL mode."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")


def install_sqlite(staged: Path, target: Path) -> None:
    """Put `staged` in place of the database `target` atomically. `staged` must be on the
    same file system as `target`, so that os.replace is one rename."""
    fsync_file(staged)
    if target.exists():
        try:
            # Fold the old WAL into the old file first: if anything stops us before the
            # rename, the old database is still whole without its -wal.
            with closing(sqlite3.connect(target)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # a damaged database is being replaced: nothing of it to keep
    for suffix in ("-wal", "-shm"):
        # SQLite would replay the old database's WAL frames onto the new file.
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
    fsync_dir(target.parent)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def count_plans(url: str) -> int:
    """Plans in the database at `url`; 0 when it does not exist yet."""
    if database_kind(url) == SQLITE:
        path = sqlite_path(url)
        if not path.exists():
            return 0  # connecting would create it
        try:
            # Not mode=ro: a read-only connection leaves -wal and -shm files behind.
            with closing(sqlite3.connect(path)) as conn:
                if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'plan'").fetchone():
                    return int(conn.execute('SELECT count(*) FROM "plan"').fetchone()[0])
                return 0  # an empty database
        except sqlite3.Error as exc:
            raise BackupError(
                f"CSDL hiện tại «{path.name}» không đọc được ({exc}); "
                "dùng --force nếu muốn thay nó bằng bản sao lưu."
            ) from exc
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("plan"):
                return 0
            return int(conn.scalar(text('SELECT count(*) FROM "plan"')) or 0)
    except SQLAlchemyError as exc:
        raise BackupError(f"Không kết nối được PostgreSQL: {exc.__class__.__name__}.") from exc
    finally:
        engine.dispose()


# ---- PostgreSQL -----------------------------------------------------------------------


def dump_postgres(url: str, target: Path) -> DatabaseCopy:
    """pg_dump --format=custom, from the same snapshot the counts are read in."""
    pg_dump = _pg_tool("pg_dump")
    engine = create_engine(url, poolclass=NullPool, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn, conn.begin():
            # pg_dump --snapshot reads what this transaction sees, while it stays open.
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            revision, counts, shas = _read_postgres(conn)
            dsn, env = _libpq(url)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "-f", str(target), dsn], env
            )
    except SQLAlchemyError as exc:
        raise BackupError(f"Không đọc được CSDL PostgreSQL: {exc.__class__.__name__}.") from exc
    finally:
        engine.dispose()
    return DatabaseCopy(target, revision, counts, shas)


def _read_postgres(conn: Connection) -> tuple[str | None, dict[str, int], frozenset[str]]:
    tables = sorted(inspect(conn).get_table_names())
    counts = {
        table: int(conn.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)
        for table in tables
        if table != "alembic_version"
    }
    revision = None
    if "alembic_version" in tables:
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
    shas: frozenset[str] = frozenset()
    if "attachment" in tables:
        shas = frozenset(conn.scalars(text("SELECT sha256 FROM attachment")))
    return revision, counts, shas


def restore_postgres(url: str, dump: Path, ours: set[str]) -> None:
    """Replace our tables with the dump's in one transaction: a dump that fails half-way
    leaves the database as it was. Every table of ours is dropped first, in the same
    transaction: pg_restore --clean drops only what the dump holds, so restoring an older
    backup over a newer schema would meet the newer tables and foreign keys, which stop
    its drops. Tables that are not ours are left alone, unless the dump holds them."""
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    dsn, env = _libpq(url)
    drops = dump.with_name("drop-ours.sql")
    drops.write_text(
        "".join(f'DROP TABLE IF EXISTS "{table}" CASCADE;\n' for table in sorted(ours)),
        encoding="utf-8",
    )
    script = dump.with_name("restore.sql")  # pg_restore writes the dump as SQL, offline
    _run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "-f", str(script), str(dump)],
        env,
    )  # fmt: skip
    _run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", dsn,
         "-f", str(drops), "-f", str(script)],
        env,
    )  # fmt: skip


def read_postgres(url: str) -> DatabaseCopy:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            revision, counts, shas = _read_postgres(conn)
    finally:
        engine.dispose()
    return DatabaseCopy(Path(), revision, counts, shas)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"Không tìm thấy lệnh «{name}» của PostgreSQL: cài gói postgresql-client "
            "(apt-get install postgresql-client), cùng phiên bản với máy chủ hoặc mới hơn."
        )
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the driver name nor the password; the password goes in the
    environment, so that it shows in no process list."""
    parsed = make_url(url)
    dsn = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    ).render_as_string(hide_password=False)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return dsn, env


def _run(command: list[str], env: dict[str, str]) -> None:
    name = Path(command[0]).name
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=PG_TIMEOUT_S)
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise BackupError(f"«{name}» báo lỗi: {' '.join(detail) or exc.returncode}") from exc
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"«{name}» chạy quá {PG_TIMEOUT_S // 60} phút, đã dừng.") from exc
