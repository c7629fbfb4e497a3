"""A backup taken while commune officers save reports and upload evidence through a
threaded server is one consistent moment: everything acknowledged before it started is
in it, nothing sent after it finished is, and every evidence file it refers to is packed.
On SQLite the bundle's database file is read; on PostgreSQL its dump is restored with
`pg_restore` into a database of its own and read there.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import threading
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, inspect, make_url, select, table, text
from sqlalchemy.pool import NullPool

from tests.conftest import make_user
from tests.web.test_backup import PNG, cli, unpack
from tests.web.test_concurrency import COMMUNES, Session
from tracker import clock
from tracker.extensions import db
from tracker.models import Activity, Assignment, ReportingPeriod, Unit

pytestmark = pytest.mark.slow  # a backup under write load

WORKERS = 6


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + data
    return body + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Writer(Session):
    """A commune officer saving reports and uploading evidence through the live server."""

    def send(self, path: str, body: bytes, content_type: str) -> tuple[str, str]:
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": content_type}
        )
        with self.opener.open(request) as response:  # redirects followed
            return response.url, response.read().decode()

    def save_report(self, path: str, text: str) -> int | None:
        body = urllib.parse.urlencode(
            {
                "status": "in_progress",
                "result": text,
                "action": "save",
                "csrf_token": self.token(path),
            }
        ).encode()
        _, page = self.send(path, body, "application/x-www-form-urlencoded")
        self.form_path = path
        # A draft stays on its form, which links to the report page.
        found = re.search(r'href="/reports/(\d+)"', page)
        return int(found.group(1)) if found else None

    def upload(self, report_id: int, data: bytes) -> bool:
        token = self.token(self.form_path)  # the report form: the report page has no form
        body, content_type = multipart({"csrf_token": token}, "anh.png", data)
        _, page = self.send(f"/reports/{report_id}/attachments", body, content_type)
        return "Đã thêm tệp minh chứng." in page


class Load:
    """Writers that run until told to stop, recording what each acknowledged write was
    and whether the request was sent after the backup had finished."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.done: list[tuple[str, object]] = []  # acknowledged, in order
        self.sent_after_backup: set[tuple[str, object]] = set()
        self.backup_finished = False
        self.stop = threading.Event()
        self.errors: list[BaseException] = []

    def record(self, key: tuple[str, object], sent_after: bool) -> None:
        with self.lock:
            self.done.append(key)
            if sent_after:
                self.sent_after_backup.add(key)
            self.lock.notify_all()

    def wait_for(self, count: int) -> None:
        with self.lock:
            assert self.lock.wait_for(lambda: len(self.done) >= count or self.errors, 120)
        assert not self.errors, self.errors

    def run(self, writer: Writer, jobs: list[tuple[int, str]], username: str) -> None:
        try:
            writer.post(
                "/login", {"username": username, "password": f"matkhau-{username}"}, "/login"
            )
            report_id, n = None, 0
            while not self.stop.is_set():
                with self.lock:
                    after = self.backup_finished
                if n < len(jobs):
                    assignment_id, path = jobs[n]
                    report_id = writer.save_report(path, f"{username}-{n}")
                    assert report_id is not None
                    self.record(("report", assignment_id), after)
                else:
                    data = PNG + uuid.uuid4().bytes * 32
                    assert writer.upload(report_id, data)
                    self.record(("file", hashlib.sha256(data).hexdigest()), after)
                n += 1
        except Exception as exc:  # reported to the main thread
            with self.lock:
                self.errors.append(exc)
                self.lock.notify_all()


def commune_jobs(app) -> dict[str, list[tuple[int, str]]]:
    """For each of WORKERS communes: an officer and its lead assignments' report pages."""
    jobs = {}
    with app.app_context():
        period_id = db.session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.id))
    for i, commune in enumerate(COMMUNES[:WORKERS]):
        make_user(app, f"xa{i}", commune)
        with app.app_context():
            ids = db.session.scalars(
                select(Assignment.id)
                .join(Activity)
                .join(Unit, Assignment.unit_id == Unit.id)
                .where(Unit.name == commune, Assignment.role == "lead")
                .order_by(Assignment.id)
            ).all()
        jobs[f"xa{i}"] = [(a, f"/assignments/{a}/periods/{period_id}/report") for a in ids]
    return jobs


def copy_of(unpacked, postgres) -> tuple[str, str | None]:
    """A URL to read the bundle's database at, and the PostgreSQL database made for it."""
    if postgres is None:
        return f"sqlite:///{unpacked / 'database.sqlite3'}", None
    name = f"test_{next(postgres.numbers)}"
    url = make_url(postgres.create(name))
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = str(unpacked / "database.pgdump")
    subprocess.run(["pg_restore", "--no-owner", "-d", libpq, dump], check=True)
    return url.render_as_string(hide_password=False), name


def read_copy(url: str) -> tuple[dict[str, int], set, set]:
    """Row counts of every table, reports by assignment and evidence files by SHA-256."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = set(inspect(conn).get_table_names()) - {"alembic_version"}
        counts = {n: conn.scalar(select(func.count()).select_from(table(n))) for n in names}
        reports = {
            ("report", a)
            for (a,) in conn.execute(text("SELECT assignment_id FROM progress_report"))
        }
        files = {("file", s) for (s,) in conn.execute(text("SELECT sha256 FROM attachment"))}
    engine.dispose()
    return counts, reports, files


def test_backup_under_write_load_is_one_consistent_moment(
    live_server, tmp_path, monkeypatch, postgres
):
    base, app = live_server
    monkeypatch.setattr(clock, "frozen", datetime(2023, 5, 2, 3, tzinfo=UTC))
    load = Load()
    threads = [
        threading.Thread(target=load.run, args=(Writer(base), jobs, username))
        for username, jobs in commune_jobs(app).items()
    ]
    for thread in threads:
        thread.start()
    try:
        load.wait_for(12)
        with load.lock:
            acknowledged_before = list(load.done)
        result = cli(app, "backup", "-o", str(tmp_path / "tai.tar.gz"))
        with load.lock:
            load.backup_finished = True
            acknowledged_by_end = len(load.done)
        load.wait_for(acknowledged_by_end + 2 * WORKERS)  # writes sent after it, too
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(60)
    assert not load.errors, load.errors
    assert result.exit_code == 0, result.output
    assert postgres or "integrity_check: ok" in result.output

    manifest = unpack(tmp_path / "tai.tar.gz", tmp_path / "out")
    url, made = copy_of(tmp_path / "out", postgres)
    counts, reports, files = read_copy(url)
    if made:
        postgres.drop(made)
    assert manifest["database"]["counts"] == counts
    # Everything acknowledged before the backup started is in it ...
    assert set(acknowledged_before) <= reports | files
    # ... nothing sent after it finished is, and every file it refers to was packed.
    assert not load.sent_after_backup & (reports | files)
    assert load.sent_after_backup
    packed = {f["path"].rsplit("/", 1)[1] for f in manifest["files"][1:]}
    assert {sha for _, sha in files} <= packed
    assert manifest["attachments"]["missing"] == []
