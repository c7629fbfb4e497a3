"""The benchmark data generator builds plans the application reads as real ones."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bench import calibration, verdict
from bench.common import Row
from bench.dataset import make_district, make_plan, plan_of
from bench.verdict import Held
from tests.conftest import make_user
from tracker.extensions import db
from tracker.models import Activity, Assignment, ProgressReport, ReportEvent
from tracker.services.figures.facts import plan_figures


def test_a_generated_plan_is_counted_by_the_figures(app, client, auth):
    with app.app_context():
        plan_id = make_plan(make_district("Thử"), 2023, 40, groups=4, seed=7)
        db.session.commit()
        leads = db.session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Activity)
            .where(Activity.plan_id == plan_id, Assignment.role == "lead")
        )
        plan = plan_of(plan_id)
        figures = plan_figures(plan, date(2023, 12, 31))
        assert figures.cumulative.total == 40  # the plan's activities, each once
        assert figures.cumulative.carried_out.numerator > 0
        plan.count_rule = "each"
        assert plan_figures(plan, date(2023, 12, 31)).cumulative.total == leads > 40
        reports = db.session.scalar(select(func.count()).select_from(ProgressReport))
        events = db.session.scalar(select(func.count()).select_from(ReportEvent))
        assert reports > 0 and events > reports
    # The bench reads every district it makes as an account of the whole instance.
    make_user(app, "toan.he.thong", None, role="coordinator")
    auth.login("toan.he.thong", "matkhau-toan.he.thong")
    assert client.get(f"/plans/{plan_id}/dashboard?as_of=2023-12-31").status_code == 200
    assert client.get(f"/plans/{plan_id}/annex").status_code == 200


def test_the_search_benchmark_runs_its_three_readers(app):
    from bench import bench_search

    with app.app_context():
        make_plan(make_district("Huyện 6"), 2023, 20, groups=2, seed=3)
        db.session.commit()
    rows = bench_search.search_rows(app, runs=1)
    assert len(rows) == 9 and all(row.threshold == "p95 ≤ 300 ms" for row in rows)
    assert {row.size > 0 for row in rows} == {True}


def test_the_two_tier_benchmark_runs_on_a_small_province(app, tmp_path):
    """Two communes over two years: commune plans carry the province's out through linked
    activities, their reports reach the province's roll-up, and the section's rows come
    out with their thresholds."""
    from bench import two_tier
    from bench.__main__ import two_tier_rows
    from tracker.services import rollup

    with app.app_context():
        data = two_tier.make_two_tier(communes=2, years=2, activities=8)
        province_plan = plan_of(data.province_plans[2025])
        children = [plan_of(p) for p in data.commune_plans[2025]]
        assert [c.parent_plan_id for c in children] == [province_plan.id] * 2
        linked = [a for c in children for a in c.activities if a.source_activity_id]
        assert linked and {a.source_activity.plan_id for a in linked} == {province_plan.id}
        communes = rollup.rollup(province_plan, date(2025, 12, 31)).communes
        assert [line.commune_plan_id for line in communes] == [c.id for c in children]
        assert all(line.tally.carried_out.numerator > 0 for line in communes)
    rows = two_tier_rows(tmp_path, runs=1, communes=2, years=2)
    assert [row.threshold for row in rows] == ["p95 ≤ 100 ms", "p95 ≤ 30 ms", "", ""]
    assert all(row.size for row in rows)


def test_the_feeds_benchmark_changes_the_data_before_each_request(app, monkeypatch):
    """Its "after a change" rows save a report draft before each request (three rows),
    and each feed it times is served whole; the rows carry issue 17's limits."""
    from bench import bench_feeds
    from tests.web.calendar_support import issue, unit_id

    monkeypatch.setattr(bench_feeds, "REQUESTS", 4)
    unit_url = f"/cal/{issue(app, 'unit', unit_id(app, 'Phòng Nội vụ'))}.ics"
    plan_url = f"/cal/{issue(app, 'plan', 1)}.ics"
    with app.app_context():
        events_before = db.session.scalar(select(func.count()).select_from(ReportEvent))
    rows = bench_feeds.measure(app.test_client(), unit_url, plan_url)
    with app.app_context():
        events_after = db.session.scalar(select(func.count()).select_from(ReportEvent))
    assert events_after - events_before == 3 * 4
    limits = {name: limit_ms for name, _, _, _, limit_ms, _ in rows}
    assert limits["unit feed, first request after a change"] == 5.0
    assert limits["plan feed, first request after a change"] == 30.0
    for name, times, size, status, _, _ in rows:
        assert len(times) == 4
        assert status == (304 if "If-None-Match" in name else 200)
        assert (size > 0) == (status == 200)


# ---- the bench's own rules: ratios, the pass rule, the HTTP mode ---------------------------


@pytest.mark.parametrize(
    ("p95_ms", "limit_ms", "calibration_ms", "held"),
    [
        (20.0, 25.0, 2.0, Held.TIME),  # the time holds
        (25.0, 25.0, 9.0, Held.TIME),  # at the threshold
        (40.0, 25.0, 4.0, Held.RATIO),  # the machine twice as slow: 10 ≤ 12.5
        (50.0, 25.0, 4.0, Held.RATIO),  # 12.5 ≤ 12.5
        (60.0, 25.0, 4.0, Held.NEITHER),  # slower than the machine explains: 15 > 12.5
        (30.0, 25.0, 1.0, Held.NEITHER),  # a faster machine never loosens the time
        (30.0, 25.0, None, Held.NEITHER),  # no calibration: the time alone
        (30.0, 25.0, 0.0, Held.NEITHER),
    ],
)
def test_a_row_passes_by_its_time_or_by_its_ratio(p95_ms, limit_ms, calibration_ms, held):
    assert verdict.held(p95_ms, limit_ms, calibration_ms, reference_ms=2.0) is held


def test_the_ratio_is_the_p95_in_calibrations():
    assert verdict.ratio(30.0, 2.5) == 12.0
    assert verdict.ratio_limit(50.0, 2.5) == 20.0
    assert verdict.ratio(30.0, 0.0) == float("inf")


@pytest.mark.parametrize(
    ("ok", "p95_ms", "limit_ms", "word"),
    [
        (None, 5.0, None, ""),  # nothing to meet
        (True, 5.0, None, "ok"),  # a condition that is not a time ("0 errors")
        (False, 5.0, None, "MISSED"),
        (None, 5.0, 10.0, "ok"),
        (True, 15.0, 10.0, "ok by ratio"),  # 15 ÷ 3 = 5 ≤ 10 ÷ 2
        (False, 5.0, 10.0, "MISSED"),  # fast, but too big
        (None, 25.0, 10.0, "MISSED"),
    ],
)
def test_the_table_says_ok_ok_by_ratio_or_missed(ok, p95_ms, limit_ms, word):
    assert verdict.verdict(ok, p95_ms, limit_ms, 3.0, reference_ms=2.0) == word
    row = Row("x", p95_ms, p95_ms, None, "", ok, limit_ms=limit_ms, calibration_ms=3.0)
    expected = verdict.verdict(ok, p95_ms, limit_ms, 3.0, calibration.REFERENCE_MS)
    assert row.verdict == expected


def test_the_calibration_does_the_same_work_every_time(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = calibration.Calibration(tmp_path / "a"), calibration.Calibration(tmp_path / "b")
    assert first.run() == first.run() == second.run() > 100_000
    assert first.time_ms() > 0


def test_the_bench_offers_its_http_mode():
    from bench.__main__ import parser

    assert "--http" in parser().format_help()
    args = parser().parse_args(["--http", "--workers", "4", "--only", "district"])
    assert (args.http, args.workers, args.only) == (True, 4, ["district"])
    assert parser().parse_args([]).http is False  # in process unless asked


def test_over_http_a_page_row_serves_the_same_page_and_a_change_reaches_the_server(
    tmp_path, monkeypatch
):
    """The same page through gunicorn as through the test client; "after a change" over
    HTTP writes a change the server's cached figures see, one before each request."""
    from bench import common, http_mode

    app = common.make_app(tmp_path)
    url = "/plans/1/dashboard?as_of=2023-12-15"
    in_process = common.page_row(common.signed_in(app), "x", url, 50, None, 2)
    monkeypatch.setattr(common, "HTTP", True)
    try:
        client = common.signed_in(app)
        assert isinstance(client, http_mode.HttpPages)
        before = _changes(app)
        row = common.page_row(client, "x", url, 50, None, 2, common.after_change(client, 1))
    finally:
        http_mode.stop_servers()
    assert row.size == in_process.size and row.threshold == "p95 ≤ 50 ms"
    assert row.calibration_ms is not None and row.calibration_ms > 0
    assert _changes(app) == before + 2


def _changes(app) -> int:
    from tracker.models import Change

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Change))
