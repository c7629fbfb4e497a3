"""`python3 dev.py bench`: every speed figure of quality.md, measured and printed as a
table of medians and p95 with the threshold next to each.

Requests go through the Flask test client in this process (no network), on a SQLite
database built in a temporary folder by the real migrations and seeds, plus synthetic
plans from bench/dataset.py. One run; ratios and medians, not unit tests.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.services import summary  # noqa: E402
from tracker.services.seeding import load_seeds  # noqa: E402


@dataclass
class Row:
    name: str
    median_ms: float
    p95_ms: float
    size: int | None  # bytes of the response, when it is a page or file
    threshold: str
    ok: bool | None  # None: no threshold to meet


def timed(call: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """(median ms, p95 ms, last result) of `runs` calls after one warm-up call."""
    result = call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], result


def make_app(instance: Path) -> Flask:
    app = create_app(
        {
            "INSTANCE_DIR": instance,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'tracker.sqlite3'}",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "ATTACHMENTS_DIR": instance / "attachments",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_seeds(demo=True)
        db.session.commit()
    return app


def page_row(
    client, name: str, url: str, limit_ms: float, limit_bytes: int | None, runs: int, cold=None
) -> Row:
    """Time GET `url`; `cold` runs before each call (e.g. to empty a cache)."""

    def call():
        if cold:
            cold()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    median, p95, response = timed(call, runs)
    size = len(response.data)
    ok = p95 <= limit_ms and (limit_bytes is None or size <= limit_bytes)
    limit = f"p95 ≤ {limit_ms:g} ms" + (f", ≤ {limit_bytes // 1024} KB" if limit_bytes else "")
    return Row(name, median, p95, size, limit, ok)


def district_rows(app: Flask, runs: int) -> list[Row]:
    """Annex matrix, dashboard and summary on a plan of 2,000 activities."""
    from bench.dataset import make_district, make_plan

    with app.app_context():
        plan_id = make_plan(make_district("Bench"), 2023, 2000, groups=40)
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    as_of = "as_of=2023-12-15"
    megabyte = 1024 * 1024
    return [
        page_row(
            client, "Annex matrix, 2,000 activities", f"/plans/{plan_id}/annex", 50, megabyte, runs
        ),
        page_row(
            client,
            "Dashboard, 2,000 activities",
            f"/plans/{plan_id}/dashboard?{as_of}",
            50,
            megabyte,
            runs,
        ),
        page_row(
            client,
            "Dashboard, 2,000 activities, after a change (uncached)",
            f"/plans/{plan_id}/dashboard?{as_of}",
            50,
            megabyte,
            max(5, runs // 5),
            cold=summary._CACHE.clear,
        ),
        page_row(
            client,
            "Summary API, 2,000 activities",
            f"/api/plans/{plan_id}/summary?{as_of}",
            100,
            None,
            runs,
        ),
    ]


def print_table(rows: list[Row]) -> None:
    print(f"\n{'Benchmark':58} {'median':>9} {'p95':>9} {'size':>9}  threshold")
    for row in rows:
        size = f"{row.size / 1024:.0f} KB" if row.size is not None else ""
        verdict = {True: "ok", False: "MISSED", None: ""}[row.ok]
        print(
            f"{row.name:58} {row.median_ms:7.1f}ms {row.p95_ms:7.1f}ms {size:>9}  "
            f"{row.threshold} {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50, help="requests per benchmark")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        gc.collect()
        gc.freeze()  # as wsgi.py does for the web workers
        rows = district_rows(app, args.runs)
        print_table(rows)
        with app.app_context():
            db.engine.dispose()
    if any(row.ok is False for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
