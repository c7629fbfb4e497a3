"""Excel, CSV, Biểu mẫu 1 and the SQLite snapshot, each opened with its own library and
checked against the `summary` command to the digit."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import Counter

from openpyxl import load_workbook

from tests.exporters.conftest import ACTIVITIES, generate
from tracker.domain.figures import OUTCOME_LABELS, Outcome

LEAD_TASKS = 76


def test_xlsx_annex_sheet(app):
    book = load_workbook(io.BytesIO(generate(app, "xlsx")))
    annex = book["Phụ lục"]
    header = [c.value for c in annex[4]]
    assert header[:4] == ["STT", "Nội dung", "Số", "Hoạt động"]
    assert header[-4:] == [
        "Tình trạng",
        "Tiến độ đơn vị",
        "Kết quả thực hiện",
        "Văn bản, minh chứng",
    ]
    rows = [[c.value for c in row] for row in annex.iter_rows(min_row=5)]
    activities = [r for r in rows if r[7]]
    assert len(activities) == ACTIVITIES
    by_number = {r[2]: r for r in activities}
    assert by_number["6.4"][7] == "Không thực hiện"
    assert by_number["1.5"][7] == "Triển khai một phần"
    assert by_number["1.5"][8].startswith("07/10 xã, phường (Phường 1, Phường 2,")
    assert annex.freeze_panes == "D5"
    assert annex.auto_filter.ref == f"A4:K{4 + len(rows)}"
    assert annex.print_title_rows == "$4:$4"
    assert annex.page_setup.orientation == "landscape"
    assert str(annex.page_setup.paperSize) == annex.PAPERSIZE_A4
    assert annex.page_setup.fitToWidth == 1 and annex.sheet_properties.pageSetUpPr.fitToPage
    assert annex["D5"].alignment.wrap_text
    assert annex.column_dimensions["D"].width == 50


def test_xlsx_summary_sheet_agrees_with_the_summary(app, summary):
    sheet = load_workbook(io.BytesIO(generate(app, "xlsx")))["Số liệu"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert summary["summary"]["text"] in flat
    assert any(str(v).startswith("Riêng trong kỳ năm 2023: 06/23") for v in flat)
    counts = {row[0]: row[1:5] for row in values if row[0] in OUTCOME_LABELS.values()}
    for c in summary["summary"]["counts"].values():
        assert counts[c["label"]] == [c["numerator"], c["denominator"], c["fraction"], c["percent"]]
    dims = {
        row[1]: row[2:7] for row in values if row[1] in {d["name"] for d in summary["by_dimension"]}
    }
    for d in summary["by_dimension"]:
        assert dims[d["name"]] == [
            d["total"],
            d["carried_out"]["numerator"],
            d["carried_out"]["percent"],
            d["done"]["numerator"],
            d["done"]["percent"],
        ]


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_assignments_csv_counts_as_the_summary(app, summary):
    """Each lead assignment with its own outcome: together, the summary's units."""
    rows = read_csv(generate(app, "csv"))
    lead = [r for r in rows if r["Vai trò"] == "Chủ trì"]
    assert len(lead) == LEAD_TASKS
    by_status = Counter(r["Tình trạng"] for r in lead)
    assert by_status.pop("Chưa xác định đơn vị (không tính)") == 1  # the one vague lead unit
    by_unit = Counter()
    for unit in summary["by_unit"]:
        for code, c in unit["counts"].items():
            by_unit[OUTCOME_LABELS[Outcome(code)]] += c["numerator"]
    assert by_status == +by_unit
    lai_hoa = next(r for r in lead if r["Đơn vị"] == "xã Lai Hòa" and r["Số hoạt động"] == "1.5")
    assert lai_hoa["Kết quả thực hiện"] == "Tuyên truyền 02 buổi."
    vinh_hai = next(r for r in lead if r["Đơn vị"] == "xã Vĩnh Hải" and r["Số hoạt động"] == "1.5")
    assert vinh_hai["Kết quả thực hiện"] == ""  # submitted, not accepted: not exported
    assert any(r["Vai trò"] == "Phối hợp" and r["Kết quả thực hiện"] for r in rows)
    assert len({r["Số hoạt động"] + r["Hoạt động"] for r in rows}) == ACTIVITIES


def test_form_csv_and_page(app, summary, client, auth):
    """Biểu mẫu 1 in one unit of count; what the plan does not hold is left to fill."""
    rows = read_csv(generate(app, "form"))
    filled = {r["STT"]: r["Số liệu"] for r in rows if r["Số liệu"]}
    form = summary["form"]
    assert (
        filled
        == {
            "2.": summary["summary"]["done"]["percent"],
            "2.1.": str(form["in_plan"]),
            "2.2.": f"{form['done']:02d}",
        }
        == {"2.": "8,70%", "2.1.": "23", "2.2.": "02"}
    )
    notes = {r["STT"]: r["Ghi chú"] for r in rows}
    assert notes["2."] == "Đã và đang triển khai thực hiện 07/23 nhiệm vụ, đạt 30,43%"
    assert notes["5.1."].startswith("Nhập tay: nhiệm vụ UBND tỉnh")  # not the plan's
    assert all(notes[r["STT"]].startswith("Nhập tay") for r in rows if not r["Số liệu"])
    auth.login()
    page = client.get("/plans/1/exports?as_of=2023-12-15").get_data(as_text=True)
    assert 'id="form-table"' in page and "Số nhiệm vụ đề ra trong kế hoạch" in page
    assert '<td data-label="Số liệu" class="num">23</td>' in page


def test_snapshot_opens_in_sqlite(app, summary, tmp_path):
    path = tmp_path / "snapshot.sqlite"
    path.write_bytes(generate(app, "snapshot"))
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    assert tables >= {
        "metadata", "plan", "content_group", "activity", "unit", "assignment", "period",
        "report", "evidence_document", "figures",
    }  # fmt: skip
    meta = dict(db.execute("select key, value from metadata"))
    assert meta["district"] == "thị xã Vĩnh Châu" and meta["plan_number"] == "63/KH-UBND"
    assert meta["as_of"] == "2023-12-15" and meta["tracker_version"]
    refs = {(r[2], r[3]) for r in db.execute("select * from pragma_foreign_key_list('report')")}
    assert refs == {("assignment", "assignment_id"), ("period", "period_id")}
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert db.execute("select count(*) from activity").fetchone() == (ACTIVITIES,)
    lead = db.execute("select count(*) from assignment where role = 'lead'").fetchone()
    assert lead == (LEAD_TASKS,)
    counts = dict(
        db.execute("select measure, numerator from figures where scope='plan' and key=''")
    )
    for code, c in summary["summary"]["counts"].items():
        assert counts[code] == c["numerator"]
    assert counts["done"] == summary["summary"]["done"]["numerator"]
    # only accepted reports leave the system: 24 demo rows, 3 never accepted by 15/12
    assert db.execute("select count(*) from report").fetchone() == (21,)
    assert db.execute("select count(*) from evidence_document").fetchone()[0] >= 4
