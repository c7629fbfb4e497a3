"""Pages and exports of the seeded Vĩnh Châu plan are the bytes they were (issue 18): the
plan 63/KH-UBND with its 2023 demo progress — the seeding the feed golden test uses
(tests/web/test_calendar_feed_bytes.py) — seen on 20/12/2023 by Phòng Nội vụ, Phòng Tư
pháp's focal officer and a leader, and compared byte for byte with golden files written
by the code before issue 18's refactoring. A word changed in a template, a figure counted
otherwise, a cell moved in an export: the test fails and shows the first lines that differ.

How the same data gives the same bytes:
- the clock is pinned (tracker.clock.frozen) to 20/12/2023 10:00 in Vĩnh Châu while the
  accounts and the calendar link are made and while every page and export is asked for;
- the times the real clock wrote when the shared demo database was made (the plan's and
  the coordinator's creation, the annex's change log, the audit log, the holidays'
  loading) are set to fixed ones first (`pin_seeding_times`); the demo's 2023 dates stay;
- on a page, `normalised` blanks the one thing that differs from one request to the next,
  the CSRF token (signed with the time and a random key kept in the session);
- Word and Excel files are compared part by part — every part of the zip, XML or not —
  not as zip bytes: a zip stores each part's write time from the wall clock. The dates
  inside the Word parts (docProps/core.xml) come from the pinned clock and are compared
  as they are; in the Excel file's, `parts` blanks «modified», which openpyxl sets to the
  wall clock's time of saving over the exporter's. The Excel sheets hold their strings
  inline (there is no xl/sharedStrings.xml). The SQLite snapshot is compared as its SQL dump (schema and every row): the
  file's header names the version of the SQLite library that wrote it.

The golden files are gzipped (tests/golden/seeded). After an intended change of a page or
an export: UPDATE_GOLDEN=1 python3 dev.py test tests/web/test_seeded_bytes.py, then read
what changed (`zdiff`, or the test's own message before updating) before committing."""

from __future__ import annotations

import difflib
import gzip
import io
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import and_, bindparam, select

from tests.conftest import (
    COORDINATOR,
    ROOT,
    Template,
    _config,
    copy_database,
    drop_database,
    make_user,
)
from tests.web.calendar_support import issue
from tracker import clock, create_app
from tracker.extensions import db
from tracker.models import Activity, Plan, Unit
from tracker.models.types import UTCDateTime

GOLDEN = ROOT / "tests" / "golden" / "seeded"
TODAY = datetime(2023, 12, 20, 3, 0, tzinfo=UTC)  # 10:00 in Vĩnh Châu
SEEDED = datetime(2023, 3, 1, 2, 0, tzinfo=UTC)  # when the plan was put in, for this test
OFFICER_UNIT = "Phòng Tư pháp"
ACTIVITY = "1.3"  # Phòng Tư pháp's, reported in both halves of 2023
ROLES = {
    "coordinator": COORDINATOR,
    "officer": ("tuphap", "matkhau-tuphap"),
    "leader": ("lanhdao", "matkhau-lanhdao"),
}


def pin_seeding_times(app: Flask) -> None:
    """Every time the real clock wrote while the demo database was made — any time column
    holding a moment after the pinned today — set to SEEDED plus 7 minutes by the row's
    rank, as the feed golden test does (by rank, not id: PostgreSQL numbers rows its way)."""
    with app.app_context():
        connection = db.session.connection()
        for table in db.metadata.sorted_tables:
            keys = list(table.primary_key.columns)
            for column in table.columns:
                if not isinstance(column.type, UTCDateTime):
                    continue
                rows = connection.execute(select(*keys).where(column > TODAY).order_by(*keys)).all()
                if not rows:
                    continue
                stmt = (
                    table.update()
                    .where(and_(*(k == bindparam(f"key_{k.name}") for k in keys)))
                    .values({column.name: bindparam("moment")})
                )
                connection.execute(
                    stmt,
                    [
                        {
                            **{f"key_{k.name}": v for k, v in zip(keys, row, strict=True)},
                            "moment": SEEDED + timedelta(minutes=7 * (rank + 1)),
                        }
                        for rank, row in enumerate(rows)
                    ],
                )
        db.session.commit()


def normalised(page: bytes) -> bytes:
    """The page as it would be on any request: its CSRF tokens blanked (in hidden inputs,
    whichever order the attributes come in)."""
    return CSRF.sub(rb"\1csrf\2", page)


CSRF = re.compile(rb'(<input[^>]*\bname="csrf_token"[^>]*\bvalue=")[^"]*(")')


# ---- the seeded database, once for the module ---------------------------------------------


class Seeded:
    """The app over this module's copy of the demo database, and what the pages need."""

    def __init__(self, app: Flask):
        self.app = app
        with app.app_context():
            unit = db.session.scalar(select(Unit).where(Unit.name == OFFICER_UNIT))
            activity = db.session.scalar(
                select(Activity).where(Activity.plan_id == 1, Activity.number == ACTIVITY)
            )
            assert unit is not None and activity is not None
            assert db.session.get(Plan, 1).number == "63/KH-UBND"
            self.unit, self.activity = unit.id, activity.id
        self.clients: dict[str, FlaskClient] = {}

    def client(self, role: str) -> FlaskClient:
        if role not in self.clients:
            client = self.app.test_client()
            username, password = ROLES[role]
            signed_in = client.post("/login", data={"username": username, "password": password})
            assert signed_in.status_code == 302, role
            self.clients[role] = client
        return self.clients[role]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, postgres, demo_db: Template) -> Iterator[Seeded]:
    instance = tmp_path_factory.mktemp("seeded-bytes")
    url = copy_database(demo_db, instance, postgres)
    app = create_app(_config(instance, url))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "frozen", TODAY)
        pin_seeding_times(app)
        make_user(app, "tuphap", OFFICER_UNIT)
        make_user(app, "lanhdao", None, role="leader")
        found = Seeded(app)
        # The officer has subscribed to the unit's calendar: the page shows the link.
        issue(app, "unit", found.unit, owner="tuphap")
    yield found
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url, postgres)


@pytest.fixture(autouse=True)
def pinned(frozen) -> None:
    frozen(TODAY)


# ---- golden files and the first lines that differ -----------------------------------------


def matches_golden(name: str, found: bytes) -> None:
    __tracebackhide__ = True  # the diff says it all; not the bytes as a blob
    path = GOLDEN / f"{name}.gz"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(found, mtime=0))
    assert path.exists(), f"{name}: no golden file; write it with UPDATE_GOLDEN=1"
    expected = gzip.decompress(path.read_bytes())
    if found != expected:
        pytest.fail(f"{name} is not the bytes it was:\n{first_difference(expected, found)}")


def first_difference(expected: bytes, found: bytes, context: int = 3, most: int = 30) -> str:
    """The first lines that differ, as a unified diff (golden → now). Long lines — XML
    written on one line — are cut after each tag, so the diff names the element."""
    try:
        old, new = _lines(expected.decode()), _lines(found.decode())
    except UnicodeDecodeError:
        at = next(
            (i for i, (a, b) in enumerate(zip(expected, found, strict=False)) if a != b),
            min(len(expected), len(found)),
        )
        return f"binary: first difference at byte {at} (lengths {len(expected)}, {len(found)})"
    diff = list(difflib.unified_diff(old, new, "golden", "now", n=context, lineterm=""))
    shown = diff[: 2 + most]
    more = len(diff) - len(shown)
    return "\n".join(shown + ([f"… {more} more lines of diff"] if more > 0 else []))


def _lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        lines += re.sub(r">(?=<)", ">\n", line).split("\n") if len(line) > 200 else [line]
    return lines


# ---- pages -----------------------------------------------------------------------------


# name → (role, path); {unit} and {activity} from the seeded plan.
PAGES = {
    "coordinator-dashboard": ("coordinator", "/plans/1/dashboard"),
    "leader-dashboard": ("leader", "/plans/1/dashboard"),
    "coordinator-annex": ("coordinator", "/plans/1/annex"),
    "coordinator-annex-unit": ("coordinator", "/plans/1/annex?unit={unit}"),
    "coordinator-annex-all": ("coordinator", "/plans/1/annex?page=all"),
    "officer-annex": ("officer", "/plans/1/annex"),
    "coordinator-activity": ("coordinator", "/activities/{activity}"),
    "officer-activity": ("officer", "/activities/{activity}"),
    "officer-work": ("officer", "/work"),
    "officer-unit": ("officer", "/units/{unit}"),
    "coordinator-history": ("coordinator", "/plans/1/history"),
    "coordinator-reviews": ("coordinator", "/plans/1/reviews"),
    "officer-calendar": ("officer", "/calendar"),
    "coordinator-calendar": ("coordinator", "/calendar"),
    "leader-exports": ("leader", "/plans/1/exports"),
}


def get(seeded: Seeded, role: str, path: str) -> bytes:
    response = seeded.client(role).get(path.format(unit=seeded.unit, activity=seeded.activity))
    assert response.status_code == 200, (role, path, response.status_code)
    return response.get_data()


@pytest.mark.parametrize("name", PAGES)
def test_page_is_the_bytes_it_was(seeded, name):
    role, path = PAGES[name]
    page = get(seeded, role, path)
    assert page.startswith(b"<!doctype html>") and page.rstrip().endswith(b"</html>")
    matches_golden(f"{name}.html", normalised(page))


def test_a_page_is_its_bytes_on_every_request(seeded):
    """What `normalised` leaves is the page: asked twice, the same bytes."""
    first, again = (get(seeded, "coordinator", "/plans/1/dashboard") for _ in range(2))
    assert CSRF.search(first), "the dashboard has a form with its token"
    assert normalised(first) == normalised(again)


# ---- exports ---------------------------------------------------------------------------


def download(seeded: Seeded, code: str) -> bytes:
    """The export as Phòng Nội vụ downloads it, with the page's defaults: as of today."""
    return get(seeded, "coordinator", f"/plans/1/exports/download?format={code}")


def parts(content: bytes) -> dict[str, bytes]:
    """The zip's parts by name, in the zip's order; the workbook's save time blanked."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        found = {name: archive.read(name) for name in archive.namelist()}
    if b"Openpyxl" in found.get("docProps/app.xml", b""):
        found["docProps/core.xml"] = SAVED.sub(rb"\1saved\2", found["docProps/core.xml"])
    return found


# openpyxl writes the wall clock's time of saving as the workbook's "modified", over the
# one the exporter sets (openpyxl/writer/excel.py, save_workbook).
SAVED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


# export code, golden folder, the part that holds the body
OFFICE_FILES = [
    ("docx", "report.docx", "word/document.xml"),
    ("xlsx", "annex.xlsx", "xl/worksheets/sheet1.xml"),
]


@pytest.mark.parametrize(("code", "name", "body"), OFFICE_FILES)
def test_office_file_is_the_parts_it_was(seeded, code, name, body):
    found = parts(download(seeded, code))
    assert body in found, list(found)
    matches_golden(f"{name}/parts", "\n".join(found).encode())
    for part, content in found.items():
        matches_golden(f"{name}/{part}", content)


@pytest.mark.parametrize(("code", "name"), [("csv", "assignments.csv"), ("form", "form.csv")])
def test_csv_is_the_bytes_it_was(seeded, code, name):
    matches_golden(name, download(seeded, code))


def test_snapshot_is_the_rows_it_was(seeded):
    content = download(seeded, "snapshot")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "snapshot.sqlite"
        path.write_bytes(content)
        with sqlite3.connect(path) as connection:
            dump = "\n".join(connection.iterdump()) + "\n"
        connection.close()
    assert 'INSERT INTO "figures"' in dump
    matches_golden("snapshot.sql", dump.encode())


@pytest.mark.parametrize("what", ["summary", "annex"])
def test_api_json_is_the_bytes_it_was(seeded, what):
    matches_golden(f"api-{what}.json", get(seeded, "leader", f"/api/plans/1/{what}"))


def test_every_golden_file_is_compared():
    """A golden file no test writes any more is left over: remove it."""
    written = {
        *(f"{n}.html" for n in PAGES),
        *(f"{name}/parts" for _, name, _ in OFFICE_FILES),
        "assignments.csv",
        "form.csv",
        "snapshot.sql",
        "api-summary.json",
        "api-annex.json",
    }
    for _, name, _ in OFFICE_FILES:
        listed = gzip.decompress((GOLDEN / f"{name}/parts.gz").read_bytes()).decode()
        written |= {f"{name}/{part}" for part in listed.splitlines()}
    found = {str(p.relative_to(GOLDEN))[: -len(".gz")] for p in GOLDEN.rglob("*.gz")}
    assert found == written
