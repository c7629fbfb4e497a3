"""A plan's figures kept and brought up to date after a change (services.figures.kept)
are the figures computed from nothing (issue 17): after each of a series of changes as
people make them — a report saved, submitted, accepted, returned, evidence added, an
activity's text, units and deadline changed, a period's due date, an activity added and
deleted, a report's state written to its log alone — for figures as of today, as of a
past date (the history of reports changed since, the deadline in force then) and for a
round; and a province plan after a commune's report on a linked activity. So are the
names kept while only reports change, and the dashboard's table of reports by unit and
period kept by activity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tests.web.test_cascade import build_province
from tracker.domain.plan_figures import PlanFigures
from tracker.extensions import db
from tracker.models import (
    Activity,
    Assignment,
    Plan,
    ProgressReport,
    ReportingPeriod,
    Unit,
    User,
)
from tracker.services import activities, attachments, change_log, periods, reporting
from tracker.services.figures import dashboard, facts, kept
from tracker.services.figures import names as figure_names

TODAY = date(2024, 2, 1)  # the changes are made that day
PAST = date(2024, 1, 15)  # past the demo's deadlines (31/12/2023), before these changes
MID_YEAR = date(2023, 7, 10)  # after the first half-year's cut-off
PDF = b"%PDF-1.4\n% minh chung\n"


def _coordinator() -> User:
    return db.session.scalar(select(User).where(User.role == "coordinator").order_by(User.id))


def _office() -> Unit:
    return db.session.scalar(select(Unit).where(Unit.name == "Phòng Nội vụ"))


def _open_assignment(skip: int = 0) -> Assignment:
    """A lead assignment of Phòng Nội vụ on an ongoing activity with no report yet."""
    return db.session.scalars(
        select(Assignment)
        .join(Activity)
        .where(
            Assignment.unit_id == _office().id,
            Activity.plan_id == 1,
            Activity.timeframe_kind == "ongoing",
            Assignment.role == "lead",
            Assignment.id.not_in(select(ProgressReport.assignment_id)),
        )
        .order_by(Assignment.id)
        .offset(skip)
    ).first()


def _first_period() -> ReportingPeriod:
    return periods.plan_periods(db.session.get(Plan, 1))[0]


def _dated() -> Activity:
    return db.session.scalars(
        select(Activity)
        .where(Activity.plan_id == 1, Activity.due_on.is_not(None))
        .order_by(Activity.position)
    ).first()


def _report(state: str) -> ProgressReport:
    return db.session.scalars(
        select(ProgressReport)
        .join(Assignment)
        .join(Activity)
        .where(Activity.plan_id == 1, ProgressReport.state == state)
        .order_by(ProgressReport.id.desc())
    ).first()


def draft_saved() -> int:
    assignment = _open_assignment()
    words = reporting.ReportInput(status="in_progress", result="Đang triển khai")
    reporting.save_report(assignment, _first_period(), words, None, submit=False)
    return assignment.activity_id


def submitted() -> int:
    report = _report("draft")
    words = reporting.ReportInput(status="done", result="Đã xong", completed_on=date(2023, 6, 20))
    reporting.save_report(report.assignment, report.period, words, None, submit=True)
    return report.assignment.activity_id


def accepted() -> int:
    report = _report("submitted")
    reporting.review_report(report, True, "", _coordinator())
    return report.assignment.activity_id


def returned() -> int:
    assignment = _open_assignment()
    words = reporting.ReportInput(status="in_progress", result="Đang làm")
    report = reporting.save_report(assignment, _first_period(), words, None, submit=True)
    reporting.review_report(report, False, "Bổ sung số liệu", _coordinator())
    return assignment.activity_id


def late_work_accepted() -> int:
    """An activity due 30/6/2023 added, its lead unit's report of work under way accepted:
    late as of PAST."""
    group = db.session.get(Plan, 1).groups[0]
    activity = activities.add_activity(group, "9.8", "Việc trễ", "Trước ngày 30/6/2023", None)
    activities.add_assignment(activity, _office(), "lead", None)
    db.session.flush()
    words = reporting.ReportInput(status="in_progress", result="Đang làm")
    report = reporting.save_report(
        activity.assignments[0], _first_period(), words, None, submit=True
    )
    reporting.review_report(report, True, "", _coordinator())
    return activity.id


def evidence_added() -> int:
    report = _report("accepted")
    kept_file = attachments.check_file("minh-chung.pdf", PDF, 1_000_000)
    attachments.attach(report, kept_file, _coordinator())
    return report.assignment.activity_id


def logged_only() -> int:
    """An accepted report of 2023 returned, written to its log alone (as seeding does):
    as of the past it still counts, from its history."""
    report = db.session.scalars(
        select(ProgressReport)
        .join(Assignment)
        .join(Activity)
        .where(Activity.plan_id == 1, ProgressReport.state == "accepted")
        .order_by(ProgressReport.id)
    ).first()
    report.state = "returned"
    reporting.log_event(report)
    return report.assignment.activity_id


def text_edited() -> int:
    activity = _dated()
    activities.edit_activity(
        activity,
        group=activity.group,
        number=activity.number or "",
        text=activity.text + " (sửa)",
        timeframe_text=activity.timeframe_text,
        dimension_ids=[d.id for d in activity.dimensions],
        user=None,
    )
    return activity.id


def lead_added() -> int:
    activity = _dated()
    on_it = {a.unit_id for a in activity.assignments}
    unit = db.session.scalars(
        select(Unit)
        .where(Unit.locality_id == activity.plan.locality_id, Unit.kind == "office")
        .where(Unit.id.not_in(on_it))
        .order_by(Unit.id)
    ).first()
    assert activities.add_assignment(activity, unit, "lead", None)
    return activity.id


def lead_removed() -> int:
    activity = _dated()
    activities.remove_assignment(activity.assignments[-1], None)
    return activity.id


def deadline_moved() -> int:
    """The deadline of an activity late as of PAST moved: then it was the one before."""
    overdue = facts.plan_figures(db.session.get(Plan, 1), PAST, None, True).overdue
    activity = db.session.get(Activity, overdue[0].activity_id)
    reporting.change_deadline(activity, date(2024, 3, 31), "Gia hạn", _coordinator())
    return activity.id


def activity_added() -> int:
    group = db.session.get(Plan, 1).groups[0]
    activity = activities.add_activity(group, "9.9", "Việc mới", "Trước ngày 30/6/2023", None)
    activities.add_assignment(activity, _office(), "lead", None)
    return activity.id


def activity_deleted() -> int:
    activity = db.session.scalars(select(Activity).where(Activity.number == "9.9")).one()
    activities.delete_activity(activity, None)
    return activity.id


def period_due_changed() -> None:
    first = _first_period()
    periods.set_period_due(first, first.due_on + timedelta(days=3), None)


# Each change, whether it names its activities only (the figures are brought up to date)
# or not (built whole), and its day: before PAST, or TODAY.
EARLY = date(2024, 1, 10)
CHANGES = [
    (draft_saved, True, EARLY),
    (submitted, True, EARLY),
    (accepted, True, EARLY),
    (returned, True, EARLY),
    (late_work_accepted, True, EARLY),
    (evidence_added, True, TODAY),
    (logged_only, True, TODAY),
    (text_edited, True, TODAY),
    (lead_added, True, TODAY),
    (lead_removed, True, TODAY),
    (deadline_moved, True, TODAY),
    (activity_added, True, TODAY),
    (activity_deleted, True, TODAY),
    (period_due_changed, False, TODAY),
]


def _asked(plan: Plan) -> list[tuple[date, ReportingPeriod | None, bool]]:
    return [
        (TODAY, None, True),
        (PAST, None, True),
        (MID_YEAR, None, True),
        (TODAY, _first_period(), False),
    ]


def _both(plan: Plan, as_of, period, to_date) -> tuple[PlanFigures, PlanFigures]:
    return (
        kept.plan_figures(plan, as_of, period, to_date),
        facts.plan_figures(plan, as_of, period, to_date),
    )


def test_figures_brought_up_to_date_are_the_figures_computed_from_nothing(demo_app, frozen):
    kept.forget()
    with demo_app.app_context():
        plan = db.session.get(Plan, 1)
        before = [_both(plan, *asked)[0] for asked in _asked(plan)]
        names_before = figure_names.names(plan)
        table_before = dashboard.reporting_table(plan)
    moved = tables = 0
    for step, (change, local, day) in enumerate(CHANGES):
        frozen(datetime(day.year, day.month, day.day, 2, step, tzinfo=UTC))
        with demo_app.app_context():
            since = change_log.current()
            changed = change()
            db.session.commit()
            found = change_log.changed_activities(since, change_log.current())
            assert found == ({changed} if local else None), change.__name__
            plan = db.session.get(Plan, 1)
            after = []
            for asked, previous in zip(_asked(plan), before, strict=True):
                brought, built = _both(plan, *asked)
                assert brought == built, (change.__name__, asked)
                if local:  # the figures of the activities not changed are those kept
                    untouched = [
                        (a, b)
                        for a, b in zip(previous.activities, brought.activities, strict=False)
                        if a.activity_id == b.activity_id != changed
                    ]
                    assert untouched and all(a is b for a, b in untouched), change.__name__
                moved += brought != previous
                after.append(brought)
            before = after
            names = figure_names.names(plan)
            assert names == figure_names._names(plan), change.__name__
            table = dashboard.reporting_table(plan)
            counted = kept.summed(dashboard.lead_reports(plan).values())
            assert table == dashboard.table_of(plan, counted), change.__name__
            tables += table != table_before
            table_before = table
            if change in (draft_saved, submitted, accepted, returned, evidence_added):
                assert names is names_before, change.__name__  # only reports changed
            names_before = names
    # The changes show in the figures and the table: the test compares something.
    assert moved >= 8 and tables >= 4


def test_a_province_plan_after_a_commune_report_is_the_plan_computed_from_nothing(
    app, client, frozen
):
    frozen(datetime(2026, 8, 3, 3, tzinfo=UTC))
    kept.forget()
    province = build_province(app)
    asked = (date(2026, 8, 3), None, True)
    with app.app_context():
        plan = db.session.get(Plan, province["plan"])
        first = kept.plan_figures(plan, *asked)
    client.post("/login", data={"username": "tantanh.vp", "password": "matkhau-ca-nhan-1"})
    tasks = f"/plans/{province['commune_plan']}/province-tasks"
    assert client.post(f"{tasks}/parent", data={"parent": province["plan"]}).status_code == 302
    taken = client.post(
        f"{tasks}/{province['first']}",
        data={"leads": [province["economy"]], "due_on": "2026-09-15"},
    )
    assert taken.status_code == 302
    with app.app_context():
        linked = db.session.scalar(
            select(Activity).where(Activity.source_activity_id == province["first"])
        )
        officer = db.session.scalar(select(User).where(User.username == "tantanh.kt"))
        coordinator = db.session.scalar(select(User).where(User.username == "tantanh.vp"))
        period = db.session.scalar(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == province["commune_plan"])
            .order_by(ReportingPeriod.ends_on)
        )
        words = reporting.ReportInput(
            status="done", result="Đã niêm yết.", completed_on=date(2026, 7, 20)
        )
        report = reporting.save_report(linked.assignments[0], period, words, officer, True)
        db.session.commit()
        reporting.review_report(report, True, "", coordinator)
        db.session.commit()
        plan = db.session.get(Plan, province["plan"])
        brought, built = _both(plan, *asked)
        assert brought == built
        assert brought.cumulative != first.cumulative  # the commune's report counts
        # And a change to the province's own activity after it.
        activity = db.session.get(Activity, province["second"])
        reporting.change_deadline(activity, date(2026, 11, 30), "Gia hạn", _province_office())
        db.session.commit()
        brought, built = _both(db.session.get(Plan, province["plan"]), *asked)
        assert brought == built


def _province_office() -> User:
    return db.session.scalar(select(User).where(User.username == "tinh.noivu"))
