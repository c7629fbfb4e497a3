"""The province's view: snapshots districts export (`export snapshot`) imported into
their own tables, each district's headline, and the combined totals.

A file is checked whole before anything is written: it must be an intact SQLite
database, carry our `metadata` (format and version), have every table, and its figures
rows must add up to the figures JSON it carries. A bad file changes nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tracker.domain import figure_text
from tracker.domain.dates import screen_date
from tracker.domain.figures import Figure, Outcome, Tally
from tracker.domain.text import sort_key
from tracker.exporters.snapshot import FORMAT, FORMAT_VERSION, TABLES
from tracker.extensions import db
from tracker.models import ProvinceFigure, ProvinceSnapshot
from tracker.services import audit

SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_BYTES = 50 * 1024 * 1024
FOREIGN = "Tệp là cơ sở dữ liệu SQLite nhưng không phải bản chụp của PAPI Tracker"
OLDER_VERSIONS = {str(v) for v in range(1, int(FORMAT_VERSION))}
REQUIRED = ("district", "province", "plan_number", "as_of", "figures")


class SnapshotError(ValueError):
    """The file cannot be imported; the message is for the user."""


@dataclass(frozen=True)
class SnapshotFile:
    meta: dict[str, str]
    figures: dict[str, Any]
    rows: list[tuple[str, str, str, str, int, int]]  # scope, key, label, measure, num, den
    as_of: date
    sha256: str = ""  # of the file's bytes


def read_snapshot(content: bytes) -> SnapshotFile:
    """Check and read a snapshot file; raises SnapshotError with what is wrong."""
    if len(content) > MAX_BYTES:
        raise SnapshotError(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    if not content.startswith(SQLITE_MAGIC):
        raise SnapshotError(
            "Tệp không phải cơ sở dữ liệu SQLite: cần bản chụp .sqlite xuất từ PAPI Tracker."
        )
    with tempfile.TemporaryDirectory(prefix="papi-import-") as folder:
        path = Path(folder) / "snapshot.sqlite"
        path.write_bytes(content)
        try:
            found = _read(path)
        except sqlite3.DatabaseError:
            raise SnapshotError(
                "Tệp bản chụp bị hỏng, không đọc được. Hãy đề nghị địa phương gửi xuất lại tệp."
            ) from None
    return replace(found, sha256=hashlib.sha256(content).hexdigest())


def _read(path: Path) -> SnapshotFile:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    started = time.monotonic()
    # Every statement on this file gives up after READ_SECONDS (the handler is called
    # every few thousand steps of SQLite's engine): no file keeps a worker busy.
    connection.set_progress_handler(lambda: time.monotonic() - started > READ_SECONDS, 10_000)
    try:
        # A file from outside is data, never code: no triggers or views run on read.
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA query_only = ON")
        if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise sqlite3.DatabaseError("quick_check")
        tables = _plain_tables(connection)
        missing = [t for t in TABLES if t not in tables]
        if "metadata" in missing:
            raise SnapshotError(f"{FOREIGN} (không có bảng metadata).")
        _check_columns(connection)
        meta = dict(_bounded(connection, "SELECT key, value FROM metadata", "metadata"))
        _check_meta(meta, missing)
        rows = _bounded(
            connection,
            "SELECT scope, key, label, measure, numerator, denominator FROM figures",
            "figures",
        )
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise SnapshotError(f"{FOREIGN} (đọc quá {READ_SECONDS:g} giây).") from None
        raise
    finally:
        connection.close()
    if any("\x00" in str(v) for v in [*meta.values(), *(v for r in rows for v in r)]):
        # No text we store may hold NUL (PostgreSQL refuses it); our exports never write it.
        raise SnapshotError(f"{FOREIGN} (có ký tự NUL).")
    figures = _figures_json(meta["figures"])
    as_of = _date(meta["as_of"])
    _check_rows(rows, figures)
    return SnapshotFile(meta, figures, rows, as_of)


READ_SECONDS = 2.0
MAX_ROWS = {"metadata": 100, "figures": 100_000}
COLUMNS = {
    "metadata": {"key", "value"},
    "figures": {"scope", "key", "label", "measure", "numerator", "denominator"},
}


def _plain_tables(connection: sqlite3.Connection) -> set[str]:
    """The file's tables, after refusing anything else in its schema: a view (a recursive
    one ran for minutes), a trigger or a virtual table is code, not data, and is refused
    before any of it is queried. Indexes are only data."""
    tables = set()
    for kind, name, sql in connection.execute("SELECT type, name, sql FROM sqlite_master"):
        text = str(sql or "").lstrip().upper()
        if kind == "table" and not text.startswith("CREATE VIRTUAL"):
            tables.add(name)
        elif kind == "index" and (not text or text.startswith(("CREATE INDEX", "CREATE UNIQUE"))):
            continue
        else:
            raise SnapshotError(
                f"{FOREIGN} (có {kind} «{str(name)[:40]}» không phải bảng dữ liệu)."
            )
    return tables


def _check_columns(connection: sqlite3.Connection) -> None:
    for table, wanted in COLUMNS.items():
        found = {r[1] for r in connection.execute(f"PRAGMA table_info({table})")}
        if found and not wanted <= found:
            raise SnapshotError(f"{FOREIGN} (bảng {table} thiếu cột).")


def _bounded(connection: sqlite3.Connection, sql: str, table: str) -> list[Any]:
    """At most MAX_ROWS[table] rows, counted before they are read."""
    (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    if count > MAX_ROWS[table]:
        raise SnapshotError(f"{FOREIGN} (bảng {table} có {count:,} dòng, quá nhiều).")
    return connection.execute(sql).fetchall()


def _check_meta(meta: dict[str, str], missing: list[str]) -> None:
    if meta.get("format") != FORMAT:
        raise SnapshotError(f"{FOREIGN}.")
    version = str(meta.get("format_version", ""))
    if version in OLDER_VERSIONS:
        raise SnapshotError(
            f"Bản chụp theo định dạng cũ (phiên bản {version}): đề nghị địa "
            "phương gửi cập nhật PAPI Tracker rồi xuất lại bản chụp."
        )
    if meta.get("format_version") != FORMAT_VERSION:
        raise SnapshotError(
            f"Bản chụp theo định dạng phiên bản {meta.get('format_version', '?')[:10]}, "
            f"hệ thống này đọc phiên bản {FORMAT_VERSION}: cần cập nhật PAPI Tracker."
        )
    if missing:
        raise SnapshotError(f"Bản chụp thiếu bảng: {', '.join(missing)}.")
    absent = [k for k in REQUIRED if not str(meta.get(k) or "").strip()]
    if absent:
        raise SnapshotError(f"Bản chụp thiếu thông tin: {', '.join(absent)}.")


def _figures_json(text: str) -> dict[str, Any]:
    try:
        figures = json.loads(text)
        figures["summary"]["counts"]
    except (ValueError, KeyError, TypeError):
        raise SnapshotError("Số liệu trong bản chụp không đọc được (metadata.figures).") from None
    if not isinstance(figures, dict):
        raise SnapshotError("Số liệu trong bản chụp không đọc được (metadata.figures).")
    return figures


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SnapshotError(f"Ngày số liệu «{text[:20]}» trong bản chụp không hợp lệ.") from None


def _check_rows(rows: list[Any], figures: dict[str, Any]) -> None:
    """The figures table must say what the JSON says, outcome by outcome."""
    if any(not isinstance(r[4], int) or not isinstance(r[5], int) for r in rows):
        raise SnapshotError("Bảng figures của bản chụp có số liệu không phải số nguyên.")
    counts = {r[3]: r[4] for r in rows if r[0] == "plan" and r[3] in Outcome.__members__.values()}
    try:
        expected = {k: v["numerator"] for k, v in figures["summary"]["counts"].items()}
    except (AttributeError, KeyError, TypeError):
        expected = None
    if counts != expected:
        raise SnapshotError("Bảng figures không khớp với số liệu tổng hợp của bản chụp.")


def import_snapshot(filename: str, content: bytes) -> tuple[ProvinceSnapshot, bool]:
    """Check, read and store a file (read_snapshot, then store_snapshot)."""
    return store_snapshot(filename, read_snapshot(content))


def store_snapshot(filename: str, found: SnapshotFile) -> tuple[ProvinceSnapshot, bool]:
    """Store a file's figures; the same district, plan and date replace the older copy.
    Returns (snapshot, replaced). Flushes; the caller commits."""
    content_sha = found.sha256
    meta = found.meta
    old = db.session.scalar(
        select(ProvinceSnapshot).where(
            ProvinceSnapshot.district == meta["district"],
            ProvinceSnapshot.plan_number == meta["plan_number"],
            ProvinceSnapshot.as_of == found.as_of,
        )
    )
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    snapshot = ProvinceSnapshot(
        district=meta["district"][:200],
        province=meta["province"][:100],
        issuing_body=meta.get("issuing_body", "")[:200],
        plan_number=meta["plan_number"][:50],
        plan_title=meta.get("plan_title", ""),
        plan_year=int(meta["plan_year"]) if meta.get("plan_year", "").isdigit() else 0,
        as_of=found.as_of,
        period_label=meta.get("period_label", "")[:100],
        rule=meta.get("rule", ""),
        headline=_headline(found),
        tracker_version=meta.get("tracker_version", "")[:40],
        figures=found.figures,
        source_filename=filename[:300],
        sha256=content_sha,
        rows=[
            ProvinceFigure(
                scope=s[:20], key=k[:300], label=lb, measure=m[:40], numerator=n, denominator=d
            )
            for s, k, lb, m, n, d in found.rows
        ],
    )
    db.session.add(snapshot)
    db.session.flush()
    audit.record(
        "import.snapshot",
        target=f"{snapshot.district} — {snapshot.plan_number}, tính đến {screen_date(found.as_of)}",
        detail={"Tệp": filename, "Thay bản cũ": old is not None},
    )
    return snapshot, old is not None


def _headline(found: SnapshotFile) -> str:
    """Recomputed from the counts (checked equal to the rows), in the plan's noun."""
    counts = {k: v["numerator"] for k, v in found.figures["summary"]["counts"].items()}
    noun = str((found.figures.get("plan") or {}).get("noun") or "nhiệm vụ")
    return figure_text.headline(_tally(counts), noun)


# Outcomes of snapshots imported before format 2, as the figures now name them.
LEGACY_OUTCOMES = {
    "ongoing_reported": Outcome.ONGOING,
    "ongoing_not_reported": Outcome.NOT_REPORTED,
}


def _outcome(code: str) -> Outcome | None:
    if code in Outcome.__members__.values():
        return Outcome(code)
    return LEGACY_OUTCOMES.get(code)


def _tally(counts: dict[str, int]) -> Tally:
    found: Counter[Outcome] = Counter()
    for code, n in counts.items():
        outcome = _outcome(code)
        if outcome is not None:
            found[outcome] += n
    return Tally.from_counts(found)


@dataclass(frozen=True)
class CombinedLine:
    key: str
    label: str
    done: Figure
    carried: Figure


@dataclass(frozen=True)
class ProvinceView:
    snapshots: list[ProvinceSnapshot]
    combined: Tally | None
    combined_text: str
    by_dimension: list[CombinedLine]


def province_view() -> ProvinceView:
    """Each imported district's snapshot (latest date first) and the sums over the
    latest snapshot of each district and plan."""
    # Districts in Vietnamese order, sorted here: an ORDER BY on text follows the
    # database's collation (bytes on SQLite, the server's locale on PostgreSQL).
    newest_first = select(ProvinceSnapshot).order_by(
        ProvinceSnapshot.as_of.desc(), ProvinceSnapshot.id.desc()
    )
    snapshots = sorted(db.session.scalars(newest_first), key=lambda s: sort_key(s.district))
    latest: dict[tuple[str, str], ProvinceSnapshot] = {}
    for s in snapshots:
        latest.setdefault((s.district, s.plan_number), s)
    if not latest:
        return ProvinceView(snapshots, None, "", [])
    counts: Counter[str] = Counter()
    dims: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    labels: dict[str, str] = {}
    for s in latest.values():
        for row in s.rows:
            if row.scope == "plan" and _outcome(row.measure) is not None:
                counts[row.measure] += row.numerator
            if row.scope == "dimension" and row.measure in ("done", "carried_out"):
                slot = dims[row.key]
                slot[0 if row.measure == "done" else 1] += row.numerator
                slot[2] += row.denominator if row.measure == "done" else 0
                labels[row.key] = row.label
    combined = _tally(dict(counts))
    lines = [
        CombinedLine(k, labels[k], Figure(v[0], v[2]), Figure(v[1], v[2]))
        for k, v in sorted(dims.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 99)
    ]
    return ProvinceView(snapshots, combined, figure_text.summary(combined, "nhiệm vụ"), lines)
