"""Review by Phòng Nội vụ: one report on its page, or many at once on the queue page."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from tracker.extensions import db
from tracker.models import Plan, ProgressReport
from tracker.services import reporting
from tracker.services import review as review_service
from tracker.web.auth import coordinator_required
from tracker.web.reports.views import ActionForm, ReviewForm, bp
from tracker.web.saving import saving


@bp.route("/reports/<int:report_id>/review", methods=["POST"])
@coordinator_required
def review(report_id: int):
    report = db.get_or_404(ProgressReport, report_id)
    form = ReviewForm()
    if form.validate_on_submit():
        accept = request.form.get("action") == "accept"
        with saving(reporting.ReportError) as saved:
            noticed = review_service.decide(report, accept, form.comment.data or "", g.user)
        if saved:
            done = "Đã chấp nhận báo cáo." if accept else "Đã trả lại báo cáo cho đơn vị."
            flash(f"{done} {noticed.told(report.assignment.unit.name)}", "success")
    return redirect(url_for("reports.show", report_id=report.id))


@bp.route("/plans/<int:plan_id>/reviews", methods=["GET", "POST"])
@coordinator_required
def queue(plan_id: int):
    """Every sent report of the plan; tick to accept, or tick «Trả lại» with a reason,
    as many rows as wanted, then one POST decides them all."""
    plan = db.get_or_404(Plan, plan_id)
    form = ActionForm()
    choices: list[review_service.Choice] = []
    problems: dict[int, str] = {}
    if form.validate_on_submit():
        choices = _choices(request.form)
        with saving(review_service.BatchError) as saved:
            result = review_service.review_many(plan, choices, g.user)
        if saved:
            _say(result)
            return redirect(url_for("reports.queue", plan_id=plan.id))
        assert isinstance(saved.error, review_service.BatchError)
        problems = saved.error.problems
    return render_template(
        "reports/queue.html",
        plan=plan,
        rows=review_service.queue(plan),
        form=form,
        sent={c.report_id: c for c in choices},
        problems=problems,
    )


def _choices(sent: MultiDict[str, str]) -> list[review_service.Choice]:
    """Rows as sent: every row carries `seen-<id>` (the report's last event shown)."""
    accepted, returned = set(sent.getlist("accept")), set(sent.getlist("return"))
    choices = []
    for key, value in sent.items():
        report_id = key.removeprefix("seen-")
        if key.startswith("seen-") and report_id.isdigit() and value.isdigit():
            choices.append(
                review_service.Choice(
                    report_id=int(report_id),
                    seen=int(value),
                    accept=report_id in accepted,
                    send_back=report_id in returned,
                    comment=sent.get(f"comment-{report_id}", ""),
                )
            )
    return choices


def _say(result: review_service.BatchResult) -> None:
    done = []
    if result.accepted:
        done.append(f"chấp nhận {result.accepted:02d} báo cáo")
    if result.returned:
        done.append(f"trả lại {result.returned:02d} báo cáo cho đơn vị")
    if done:
        flash("Đã " + ", ".join(done) + ".", "success")
    if result.skipped:
        flash(
            f"Bỏ qua {len(result.skipped):02d} báo cáo đã thay đổi trong lúc bạn duyệt: "
            + " ".join(result.skipped),
            "warning",
        )
