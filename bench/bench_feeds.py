"""Calendar feeds under load (quality.md): one unit's feed, a ~1,000-event plan feed,
and the plan feed asked again with If-None-Match.

Builds a plan through the services in a temporary SQLite database: the seeded annex of
Kế hoạch 63/KH-UBND imported into a new plan, every activity added a second time with
the same units, and reports on a quarter of the assignments. Then 200 requests each
through app.test_client(). Not a test: run it, read the table.

    .venv/bin/python bench/bench_feeds.py        (or: python3 dev.py bench)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Activity, Assignment, Locality, ReportingPeriod, User  # noqa: E402
from tracker.models.calendar import PLAN_FEED, UNIT_FEED  # noqa: E402
from tracker.services import activities, calendar_links, plans, reporting  # noqa: E402
from tracker.services.annex_import import apply_import, preview_import  # noqa: E402
from tracker.services.calendar_events import Selection, build_events  # noqa: E402
from tracker.services.seeding import load_seeds  # noqa: E402

REQUESTS = 200
ANNEX = ROOT / "seeds" / "vinh-chau" / "plan-2023-annex.txt"


def build_plan() -> int:
    locality = db.session.scalar(select(Locality))
    plan = plans.create_plan(
        locality,
        number="99/KH-UBND",
        issued_on=date(2024, 3, 1),
        year=2024,
        title="Kế hoạch thử tải lịch: phụ lục Vĩnh Châu, mỗi hoạt động hai lần",
        noun="nhiệm vụ",
        user=None,
    )
    preview = preview_import(plan, ANNEX.name, ANNEX.read_bytes())
    assert preview.can_apply, preview.errors
    apply_import(preview, None)
    db.session.flush()
    for original in list(plan.activities):
        copy = activities.add_activity(
            original.group,
            f"{original.number or ''}b",
            original.text,
            original.timeframe_text,
            None,
            [d.id for d in original.dimensions],
        )
        for assignment in list(original.assignments):
            activities.add_assignment(copy, assignment.unit, assignment.role, None)
    db.session.flush()
    return plan.id


def add_reports(plan_id: int) -> None:
    """A quarter of the assignments report for the first period; half of those accepted."""
    coordinator = db.session.scalar(select(User).where(User.username == "noivu"))
    period = db.session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan_id)
        .order_by(ReportingPeriod.due_on)
    )
    stmt = select(Assignment).join(Activity).where(Activity.plan_id == plan_id)
    for index, assignment in enumerate(db.session.scalars(stmt).all()):
        if index % 4:
            continue
        data = reporting.ReportInput(status="done", result="Đã thực hiện theo kế hoạch.")
        report = reporting.save_report(assignment, period, data, None, submit=True)
        if index % 8 == 0:
            reporting.review_report(report, True, "", coordinator)


def closest_unit(plan_id: int, wanted: int = 40) -> int:
    counts = {}
    for unit_id in db.session.scalars(
        select(Assignment.unit_id).join(Activity).where(Activity.plan_id == plan_id).distinct()
    ):
        events = build_events(Selection(unit_ids=(unit_id,), plan_ids=(plan_id,)), "http://x", "x")
        counts[unit_id] = len(events)
    return min(counts, key=lambda u: abs(counts[u] - wanted))


def timed(client, url: str, headers: dict[str, str] | None = None) -> tuple[list[float], int, int]:
    times, size, status = [], 0, 0
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        body = response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        size, status = len(body), response.status_code
    return times, size, status


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        app = create_app(
            {
                "INSTANCE_DIR": instance,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "ATTACHMENTS_DIR": instance / "attachments",
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"), revision="head")
            load_seeds(demo=True)
            plan_id = build_plan()
            add_reports(plan_id)
            unit_id = closest_unit(plan_id)
            _, unit_token = calendar_links.issue_token(
                None, UNIT_FEED, unit_id, plan_id, True, None
            )
            _, plan_token = calendar_links.issue_token(None, PLAN_FEED, plan_id, None, True, None)
            db.session.commit()
            assignments = db.session.scalar(
                select(func.count())
                .select_from(Assignment)
                .join(Activity)
                .where(Activity.plan_id == plan_id)
            )
            db.session.remove()
        client = app.test_client()
        unit_url, plan_url = f"/cal/{unit_token}.ics", f"/cal/{plan_token}.ics"
        etag = client.get(plan_url).headers["ETag"]
        rows = [
            ("unit feed", *timed(client, unit_url), 10.0, None),
            ("plan feed", *timed(client, plan_url), 40.0, 400),
            ("plan feed, gzip", *timed(client, plan_url, {"Accept-Encoding": "gzip"}), 40.0, 400),
            (
                "plan feed, If-None-Match",
                *timed(client, plan_url, {"If-None-Match": etag}),
                40.0,
                0,
            ),
        ]
        plan_body = client.get(plan_url).get_data()
        print(
            f"Plan: {plan_body.count(b'BEGIN:VEVENT')} events from {assignments} assignments; "
            f"unit feed: {client.get(unit_url).get_data().count(b'BEGIN:VEVENT')} events. "
            f"{REQUESTS} requests each.\n"
        )
        print(
            f"{'request':28} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'limit':>7} "
            f"{'KB':>8} {'limit':>7}"
        )
        for name, times, size, status, limit_ms, limit_kb in rows:
            kb = f"{limit_kb}" if limit_kb is not None else "—"
            print(
                f"{name:28} {status:>6} {statistics.median(times):>10.1f} {p95(times):>8.1f} "
                f"{limit_ms:>7.0f} {size / 1024:>8.1f} {kb:>7}"
            )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
