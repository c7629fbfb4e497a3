"""One computation, no contradictions (issue 12): a plan's figures computed once, then
found to the digit in every place that shows them — the dashboard, `summary --json`, the
API, the Word report, the Excel figures sheet and Biểu mẫu 1."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from tracker.domain.figures import OUTCOME_LABELS
from tracker.domain.numbers import fraction
from tracker.services.exports import report as exports
from tracker.services.figures.facts import plan_figures
from tracker.services.figures.names import names
from tracker.services.plans import find_plan

AS_OF = date(2023, 12, 20)


@pytest.fixture
def app(demo_app):
    return demo_app


def export(app, code: str) -> bytes:
    request = exports.ExportRequest(plan="63/KH-UBND", as_of=AS_OF)
    with app.app_context():
        return exports.export(request, code)[1]


def test_every_place_shows_the_same_figures(app, client, auth):
    with app.app_context():
        plan = find_plan("63/KH-UBND")
        figures = plan_figures(plan, AS_OF)
        named = names(plan)
    t = figures.cumulative
    carried, done = t.carried_out, t.done
    counts = {o.value: n for o, n in t.counts}
    dimensions = {k: v for k, v in figures.by_dimension}

    # summary --json and the API: the same numbers, made from the object at the edge
    result = app.test_cli_runner().invoke(
        args=["summary", "--plan", "1", "--as-of", AS_OF.isoformat(), "--json"]
    )
    data = json.loads(result.stdout)
    assert {k: v["numerator"] for k, v in data["summary"]["counts"].items()} == counts
    assert data["summary"]["carried_out"]["fraction"] == carried.fraction
    auth.login()
    assert client.get(f"/api/plans/1/summary?as_of={AS_OF}").get_json() == data

    # the dashboard
    page = client.get(f"/plans/1/dashboard?as_of={AS_OF}").get_data(as_text=True)
    stat = re.search(r'id="count-carried"[^>]*><b>([^<]+)</b>[^(]*\(([^)]+)\)', page)
    assert stat.groups() == (carried.fraction, carried.percent)
    assert re.search(r'id="count-done"[^>]*><b>([^<]+)</b>', page).group(1) == done.fraction
    for code, n in counts.items():
        if n:
            assert f'id="outcome-{code}">{OUTCOME_LABELS[code]}: {n:02d}<' in page

    # the Word report: the headline paragraph and the dimension table
    document = Document(io.BytesIO(export(app, "docx")))
    headline = next(p.text for p in document.paragraphs if p.text.startswith("Tính đến ngày"))
    assert f"được {carried.fraction} nhiệm vụ, đạt {carried.percent} kế hoạch" in headline
    parts = fraction(done.numerator, carried.numerator)
    assert f"trong đó {parts} nhiệm vụ đã hoàn thành 100%" in headline
    for row in document.tables[1].rows[1:]:
        key, _, total, carried_cell, _, done_cell, _ = (c.text for c in row.cells)
        tally = dimensions[int(key)]
        assert (int(total), carried_cell, done_cell) == (
            tally.total,
            tally.carried_out.fraction,
            tally.done.fraction,
        )

    # the Excel figures sheet: one row per outcome, then the dimensions
    sheet = load_workbook(io.BytesIO(export(app, "xlsx")))["Số liệu"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    by_label = {r[0]: r[1] for r in rows if r[0] in OUTCOME_LABELS.values()}
    assert by_label == {OUTCOME_LABELS[o]: n for o, n in t.counts}
    for key, tally in dimensions.items():
        row = next(r for r in rows if r[1] == named.dimensions[key])
        assert row[2:6] == [tally.total, tally.carried_out.numerator, tally.carried_out.percent,
                            tally.done.numerator]  # fmt: skip

    # Biểu mẫu 1, in the same unit of count
    form = list(csv.DictReader(io.StringIO(export(app, "form").decode("utf-8-sig"))))
    values = {r["STT"]: r["Số liệu"] for r in form}
    assert (values["2.1."], values["2.2."], values["2."]) == (
        f"{t.total:02d}",
        f"{done.numerator:02d}",
        done.percent,
    )
    note = next(r["Ghi chú"] for r in form if r["STT"] == "2.")
    assert (
        note
        == f"Đã và đang triển khai thực hiện {carried.fraction} nhiệm vụ, đạt {carried.percent}"
    )
