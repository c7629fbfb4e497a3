"""Backup and restore (issue 8): a restore into a fresh instance boots with the same data
and evidence files, an older backup is migrated, and a bad bundle or a restore over live
data changes nothing. The backup under write load: test_backup_under_load.py.

The bundles are read back here with tarfile, hashlib and plain queries, not with the code
under test, so a fault in the bundle reader cannot hide a fault in the writer. Each test
runs on this run's database kind (a SQLite file, or a PostgreSQL database of its own);
the SQLite integrity check only on SQLite.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, make_url, select, table, text
from sqlalchemy.pool import NullPool

from tests.conftest import (
    COORDINATOR,
    ON_POSTGRES,
    ROOT,
    Template,
    _config,
    password_chosen,
    sqlite_only,
)
from tracker import create_app
from tracker.extensions import db
from tracker.models import ProgressReport, User
from tracker.services.attachments import add_attachment

PNG = b"\x89PNG\r\n\x1a\n"


# ---- helpers ----------------------------------------------------------------------------


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def instance(postgres):
    """`instance(folder, template=None)`: an app on its own instance and attachments
    folders and its own database, empty or a copy of a template."""
    made: list[str] = []

    def make(folder: Path, template: Template | None = None):
        (folder / "instance").mkdir(parents=True)
        source = make_url(template.url).database if template else None
        if postgres is None:
            if source:
                shutil.copyfile(source, folder / "instance" / "tracker.sqlite3")
            return create_app(_config(folder / "instance"))
        made.append(f"test_{next(postgres.numbers)}")
        url = postgres.create(made[-1], template=source)
        return create_app(_config(folder / "instance", url))

    yield make
    for name in made:
        postgres.drop(name)


def close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def unpack(bundle: Path, folder: Path) -> dict:
    """Extract a bundle and check every file against the manifest's size and SHA-256."""
    with tarfile.open(bundle, "r:gz") as tar:
        names = tar.getnames()
        tar.extractall(folder, filter="data")
    assert names[0] == "manifest.json"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(names[1:]) == sorted(f["path"] for f in manifest["files"])
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"])
    return manifest


def table_counts(app) -> dict[str, int]:
    """Rows in each of the database's tables (the Alembic stamp left out)."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names()) - {"alembic_version"}
        counts = {n: conn.scalar(select(func.count()).select_from(table(n))) for n in names}
    engine.dispose()
    return counts


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the SHA-256 of its content."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def add_evidence(app) -> tuple[int, bytes]:
    """An evidence file on the first report, uploaded by the coordinator."""
    data = PNG + uuid.uuid4().bytes * 64
    with app.app_context():
        report = db.session.scalar(select(ProgressReport).order_by(ProgressReport.id))
        user = db.session.scalar(select(User).where(User.username == COORDINATOR[0]))
        attachment = add_attachment(
            report, "bien-ban.png", data, user, app.config["ATTACHMENTS_DIR"], 10**7
        )
        db.session.commit()
        return attachment.id, data


@pytest.fixture
def bundle(demo_app, tmp_path):
    """A backup of the demo instance with one evidence file: (path, attachment id, bytes)."""
    attachment_id, data = add_evidence(demo_app)
    path = tmp_path / "sao-luu.tar.gz"
    result = cli(demo_app, "backup", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o777 == 0o600  # password hashes and evidence inside
    return path, attachment_id, data


# ---- restore ------------------------------------------------------------------------------


def test_restore_into_a_fresh_instance_boots_with_the_same_data(bundle, tmp_path, instance):
    path, attachment_id, data = bundle
    fresh = instance(tmp_path / "fresh")
    result = cli(fresh, "restore", str(path))
    close(fresh)
    assert result.exit_code == 0, result.output
    assert "Đã khôi phục CSDL" in result.output
    assert "chép mới 1" in result.output

    booted = create_app(dict(fresh.config))
    manifest = unpack(path, tmp_path / "out")
    assert table_counts(booted) == manifest["database"]["counts"]
    client = booted.test_client()
    client.post("/login", data={"username": COORDINATOR[0], "password": COORDINATOR[1]})
    assert client.get("/plans/1/dashboard").status_code == 200
    with client.get(f"/attachments/{attachment_id}") as download:
        assert download.status_code == 200
        assert download.data == data
    close(booted)


def test_an_older_backup_is_migrated_to_the_current_schema(tmp_path, instance):
    scripts = ScriptDirectory(str(ROOT / "migrations"))
    head = scripts.get_current_head()
    older = scripts.get_revision(head).down_revision
    source = instance(tmp_path / "old")
    with source.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision=older)
    assert cli(source, "backup", "-o", str(tmp_path / "old.tar.gz")).exit_code == 0
    close(source)

    fresh = instance(tmp_path / "fresh")
    result = cli(fresh, "restore", str(tmp_path / "old.tar.gz"))
    close(fresh)
    assert result.exit_code == 0, result.output
    assert f"Đã nâng cấp lược đồ từ {older} lên {head}" in result.output
    with fresh.app_context():
        assert db.session.scalars(text("SELECT version_num FROM alembic_version")).all() == [head]
    close(fresh)


def test_restore_over_plans_needs_force(bundle, tmp_path, seeded_db, instance):
    path, _, data = bundle
    target = instance(tmp_path / "target", template=seeded_db)
    before = tree(tmp_path / "target"), table_counts(target)
    refused = cli(target, "restore", str(path))
    assert refused.exit_code == 1
    assert "đã có 1 kế hoạch" in refused.output and "--force" in refused.output
    assert (tree(tmp_path / "target"), table_counts(target)) == before

    forced = cli(target, "restore", str(path), "--force")
    close(target)
    assert forced.exit_code == 0, forced.output
    assert "Đã thay CSDL cũ (1 kế hoạch)" in forced.output
    manifest = unpack(path, tmp_path / "out")
    assert table_counts(target) == manifest["database"]["counts"]
    stored = tmp_path / "target" / "attachments"
    assert [p.read_bytes() for p in stored.rglob("*") if p.is_file()] == [data]


def test_a_damaged_evidence_file_never_overwrites_an_intact_one(
    demo_app, tmp_path, seeded_db, instance
):
    """The file damaged on disk before the backup is in the bundle as it was; a restore
    keeps the intact copy already in place, and writes no damaged copy anywhere
    (issue 13)."""
    _, data = add_evidence(demo_app)
    sha = hashlib.sha256(data).hexdigest()
    stored = demo_app.config["ATTACHMENTS_DIR"] / sha[:2] / sha
    stored.write_bytes(PNG + b"hong")  # damaged: its content no longer matches its name
    path = tmp_path / "sao-luu.tar.gz"
    assert cli(demo_app, "backup", "-o", str(path)).exit_code == 0
    target = instance(tmp_path / "target", template=seeded_db)
    intact = target.config["ATTACHMENTS_DIR"] / sha[:2] / sha
    intact.parent.mkdir(parents=True)
    intact.write_bytes(data)
    result = cli(target, "restore", str(path), "--force")
    close(target)
    assert result.exit_code == 0, result.output
    assert "chép mới 0" in result.output
    assert intact.read_bytes() == data
    fresh = instance(tmp_path / "fresh")
    result = cli(fresh, "restore", str(path))
    close(fresh)
    assert result.exit_code == 0, result.output
    assert f"tệp minh chứng {sha} trong bản sao lưu đã hỏng" in result.output
    assert not (fresh.config["ATTACHMENTS_DIR"] / sha[:2] / sha).exists()


def _flip_middle_byte(data: bytes, _: Path) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def _repack_with_changed_database(data: bytes, work: Path) -> bytes:
    """A well-formed archive whose database is not the one the manifest hashed."""
    unpack_to = work / "repack"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(unpack_to, filter="data")
    [database] = [p for p in unpack_to.glob("database.*")]  # .sqlite3 or .pgdump
    if database.suffix == ".sqlite3":
        with sqlite3.connect(database) as conn:
            conn.execute("UPDATE plan SET title = 'Kế hoạch bị sửa'")
        conn.close()
    else:
        dump = bytearray(database.read_bytes())
        dump[len(dump) // 2] ^= 0xFF
        database.write_bytes(bytes(dump))
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name in ["manifest.json", database.name]:
            tar.add(unpack_to / name, arcname=name)
    return out.getvalue()


def _foreign_archive(_: bytes, work: Path) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        info = tarfile.TarInfo("ghi-chu.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"xin c"))
    return out.getvalue()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_flip_middle_byte, "hỏng"),
        (lambda data, _: data[: len(data) // 2], "hỏng hoặc không đầy đủ"),
        (lambda data, _: data[:-4], "hỏng hoặc không đầy đủ"),  # only the gzip trailer cut
        (lambda data, _: random.Random(8).randbytes(len(data)), "hỏng hoặc không đầy đủ"),
        (_repack_with_changed_database, "không khớp SHA-256"),
        (_foreign_archive, "không phải bản sao lưu của hệ thống"),
    ],
    ids=["one-byte-changed", "truncated", "trailer-cut", "random", "repacked", "foreign"],
)
def test_a_bad_bundle_is_refused_and_changes_nothing(
    bundle, tmp_path, empty_db, instance, spoil, message
):
    path, _, _ = bundle
    bad = tmp_path / "hong.tar.gz"
    bad.write_bytes(spoil(path.read_bytes(), tmp_path))
    target = instance(tmp_path / "target", template=empty_db)
    before = tree(tmp_path / "target"), table_counts(target)
    result = cli(target, "restore", str(bad))
    close(target)
    assert result.exit_code == 1
    assert "Không khôi phục:" in result.output and message in result.output
    # no database change, file or leftover folder
    assert (tree(tmp_path / "target"), table_counts(target)) == before


# ---- what the backup itself refuses or warns about -----------------------------------------


def _corrupt_an_index(path: Path) -> None:
    """Flip one bit of a rowid stored in an index leaf, as a bad disk sector would: the
    database still opens and answers queries, but integrity_check finds the index wrong."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_assignment_unit_id'"
        ).fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    page = page_size * (root - 1)
    assert data[page] == 0x0A  # a leaf page of an index b-tree
    cell = page + int.from_bytes(data[page + 8 : page + 10], "big")
    data[cell + data[cell]] ^= 0x01  # last byte of the cell's payload: the rowid
    path.write_bytes(bytes(data))


@sqlite_only("SQLite's integrity_check on a file with a corrupt index")
def test_backup_refuses_a_database_that_fails_integrity_check(tmp_path, seeded_db, instance):
    broken = instance(tmp_path / "broken", template=seeded_db)
    _corrupt_an_index(tmp_path / "broken" / "instance" / "tracker.sqlite3")
    result = cli(broken, "backup", "-o", str(tmp_path / "out" / "b.tar.gz"))
    (tmp_path / "out").mkdir()
    second = cli(broken, "backup", "-o", str(tmp_path / "out" / "b.tar.gz"))
    close(broken)
    assert result.exit_code == 1 and "Không có thư mục" in result.output
    assert second.exit_code == 1
    assert "không toàn vẹn" in second.output and "missing from index" in second.output
    assert list((tmp_path / "out").iterdir()) == []  # no bundle, no leftover work folder


def test_backup_warns_about_an_evidence_file_missing_from_disk(demo_app, tmp_path):
    attachment_id, data = add_evidence(demo_app)
    sha = hashlib.sha256(data).hexdigest()
    (demo_app.config["ATTACHMENTS_DIR"] / sha[:2] / sha).unlink()
    result = cli(demo_app, "backup", "-o", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 0
    assert f"thiếu tệp minh chứng {sha}" in result.stderr
    assert unpack(tmp_path / "b.tar.gz", tmp_path / "out")["attachments"]["missing"] == [sha]


def test_postgresql_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    (tmp_path / "instance").mkdir()
    app = create_app(
        {
            **_config(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://papi@127.0.0.1:9/khong-co",
        }
    )
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    result = cli(app, "backup", "-o", str(tmp_path / "pg.tar.gz"))
    assert result.exit_code == 1
    assert "Không tìm thấy lệnh «pg_dump»" in result.output and "postgresql-client" in result.output


# ---- PostgreSQL ---------------------------------------------------------------------------

pg_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: pg_dump and pg_restore")


@pytest.fixture
def pg_app(tmp_path, postgres):
    """An app on an empty PostgreSQL database of its own."""
    (tmp_path / "instance").mkdir()
    name = f"test_{next(postgres.numbers)}"
    app = create_app(_config(tmp_path / "instance", postgres.create(name)))
    yield app
    close(app)
    postgres.drop(name)


@pg_only
def test_postgresql_round_trip(pg_app, tmp_path):
    from tracker.services.seeding import load_seeds

    app = pg_app
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_seeds(demo=True)
        password_chosen(COORDINATOR[0])  # signs in below without being asked for a new one
        db.session.commit()
    attachment_id, data = add_evidence(app)
    result = cli(app, "backup", "-o", str(tmp_path / "pg.tar.gz"))
    assert result.exit_code == 0, result.output
    manifest = unpack(tmp_path / "pg.tar.gz", tmp_path / "out")
    assert manifest["database"]["kind"] == "postgresql"

    with app.app_context():  # what the restore must undo
        db.session.execute(text("DELETE FROM attachment"))
        db.session.execute(text("UPDATE plan SET title = 'đổi sau sao lưu'"))
        db.session.commit()
    assert cli(app, "restore", str(tmp_path / "pg.tar.gz")).exit_code == 1  # it has plans
    restored = cli(app, "restore", str(tmp_path / "pg.tar.gz"), "--force")
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        counts = {
            table: db.session.scalar(text(f'SELECT count(*) FROM "{table}"'))
            for table in manifest["database"]["counts"]
        }
        assert db.session.scalar(text("SELECT title FROM plan")) != "đổi sau sao lưu"
    assert counts == manifest["database"]["counts"]
    client = app.test_client()
    client.post("/login", data={"username": COORDINATOR[0], "password": COORDINATOR[1]})
    with client.get(f"/attachments/{attachment_id}") as download:
        assert download.data == data


@pg_only
def test_postgresql_older_backup_over_a_newer_schema(pg_app, tmp_path):
    scripts = ScriptDirectory(str(ROOT / "migrations"))
    head = scripts.get_current_head()
    older = scripts.get_revision(head).down_revision
    with pg_app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision=older)
    assert cli(pg_app, "backup", "-o", str(tmp_path / "old.tar.gz")).exit_code == 0
    with pg_app.app_context():  # the app was upgraded since: the newest tables exist
        upgrade(directory=str(ROOT / "migrations"))
    result = cli(pg_app, "restore", str(tmp_path / "old.tar.gz"))
    assert result.exit_code == 0, result.output
    assert f"Đã nâng cấp lược đồ từ {older} lên {head}" in result.output
    with pg_app.app_context():
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == head
