"""What every benchmark shares: a row of the table, timing, an app on a fresh instance."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from tracker import create_app, settle_worker
from tracker.extensions import db
from tracker.models import User
from tracker.services.seeding import load_seeds

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Row:
    name: str
    median_ms: float
    p95_ms: float
    size: int | None  # bytes of the response or file
    threshold: str
    ok: bool | None  # None: no threshold to meet
    note: str = ""


def settle() -> None:
    """Collect what building the data left, then settle as a web worker does once
    started (wsgi.py: tracker.settle_worker), so timings are a worker's."""
    gc.collect()
    settle_worker()


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(median ms, p95 ms, last result) of `runs` calls after one warm-up call."""
    settle()
    result = call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], result


def config(instance: Path, database_url: str | None = None) -> dict[str, Any]:
    return {
        "INSTANCE_DIR": instance,
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance / 'tracker.sqlite3'}",
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": False,
        "ATTACHMENTS_DIR": instance / "attachments",
    }


def make_app(instance: Path, demo: bool = True, database_url: str | None = None) -> Flask:
    """An app on a new database in `instance` (or the empty one at `database_url`),
    migrated and seeded."""
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app(config(instance, database_url))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_seeds(demo=demo)
        # The bench signs in as `noivu` and reads and writes every district it makes: an
        # account of the whole instance (no unit: services.tenancy), in daily use.
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        noivu.unit, noivu.must_change_password = None, False
        db.session.commit()
    return app


def signed_in(app: Flask, username: str = "noivu"):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.post("/login", data={"username": username, "password": "noivu2023"})
    return client


def page_row(
    client,  # type: ignore[no-untyped-def]
    name: str,
    url: str,
    limit_ms: float | None,
    limit_bytes: int | None,
    runs: int,
    before: Callable[[], None] | None = None,
) -> Row:
    """Time GET `url`; `before` runs before each request (e.g. to empty a cache)."""

    def call():  # type: ignore[no-untyped-def]
        if before:
            before()
        response = client.get(url)
        assert response.status_code in (200, 304), (url, response.status_code)
        response.get_data()  # a streamed page is timed to its last byte
        return response

    median, p95, response = timed(call, runs)
    size = len(response.data)
    if limit_ms is None:
        return Row(name, median, p95, size, "", None)
    ok = p95 <= limit_ms and (limit_bytes is None or size <= limit_bytes)
    limit = f"p95 ≤ {limit_ms:g} ms" + (f", ≤ {limit_bytes // 1024} KB" if limit_bytes else "")
    return Row(name, median, p95, size, limit, ok)


def print_table(rows: list[Row]) -> None:
    print(f"\n{'Benchmark':62} {'median':>9} {'p95':>9} {'size':>8}  threshold")
    for row in rows:
        size = f"{row.size / 1024:.0f} KB" if row.size is not None else ""
        verdict = {True: "ok", False: "MISSED", None: ""}[row.ok]
        line = f"{row.name:62} {row.median_ms:7.1f}ms {row.p95_ms:7.1f}ms {size:>8}  "
        print(line + f"{row.threshold} {verdict} {row.note}".rstrip())
