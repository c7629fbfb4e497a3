"""The benchmark data generator builds plans the application reads as real ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bench.dataset import make_district, make_plan, plan_of
from tests.conftest import make_user
from tracker.extensions import db
from tracker.models import Activity, Assignment, ProgressReport, ReportEvent
from tracker.services.figures import plan_figures


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
