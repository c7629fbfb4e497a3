"""The spreadsheet round trip for units that work offline."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import audit_events
from tracker.extensions import db
from tracker.models import ProgressReport, ReportingPeriod, Unit


@pytest.fixture
def sheet(app, client, auth, frozen):
    """Phường 1's sheet for 6 tháng đầu năm 2023, as downloaded by the coordinator."""
    frozen(datetime(2023, 5, 2, 3, tzinfo=UTC))
    auth.login()
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.name == "Phường 1"))
        period_id = db.session.scalar(
            select(ReportingPeriod.id).where(
                ReportingPeriod.kind == "half", ReportingPeriod.index == 1
            )
        )
    response = client.get(f"/plans/1/periods/{period_id}/units/{unit_id}/sheet.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    return workbook, period_id


def rows_by_number(workbook):
    sheet = workbook["Báo cáo tiến độ"]
    return {sheet.cell(r, 2).value: r for r in range(5, sheet.max_row + 1)}, sheet


def save(workbook, path):
    workbook.save(path)
    return path


def run(app, path, *extra):
    result = app.test_cli_runner().invoke(
        args=["import-progress", str(path), "--plan", "1", "--period", "2023-H1", "--json", *extra]
    )
    return result.exit_code, json.loads(result.stdout)


def report_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProgressReport))


def test_sheet_lists_the_units_rows_with_locked_columns(sheet):
    workbook, _ = sheet
    rows, ws = rows_by_number(workbook)
    assert {"1.5", "4.1", "5.1", "5.2"} <= set(rows)
    assert ws.protection.sheet
    assert ws.cell(5, 1).protection.locked and not ws.cell(5, 6).protection.locked
    assert workbook["_meta"].sheet_state == "hidden"


def test_round_trip_dry_run_then_apply(app, sheet, tmp_path):
    workbook, _ = sheet
    rows, ws = rows_by_number(workbook)
    ws.cell(rows["1.5"], 6, "Hoàn thành")
    ws.cell(rows["1.5"], 7, "Tuyên truyền 8 buổi")
    ws.cell(rows["1.5"], 8, "Kế hoạch số 20/KH-UBND ngày 01/3/2023")
    ws.cell(rows["1.5"], 9, "20/04/2023")
    ws.cell(rows["5.1"], 6, "Đang thực hiện")
    ws.cell(rows["5.1"], 7, "Đã họp dân 3 khóm")
    path = save(workbook, tmp_path / "phuong1.xlsx")
    code, data = run(app, path, "--dry-run")
    assert code == 0 and data["unit"] == "Phường 1"
    assert sum(1 for r in data["rows"] if r["changes"]) == 2
    assert report_count(app) == 0
    code, data = run(app, path)
    assert code == 0
    [imported] = audit_events(app, "import.progress")
    assert (imported["username"], imported["detail"]["Số báo cáo ghi"]) == ("dòng lệnh", 2)
    with app.app_context():
        reports = db.session.scalars(select(ProgressReport)).all()
        assert sorted(r.status for r in reports) == ["done", "in_progress"]
        assert {r.state for r in reports} == {"submitted"}
        done = next(r for r in reports if r.status == "done")
        assert done.result == "Tuyên truyền 8 buổi" and done.documents[0].number == "20/KH-UBND"
    code, data = run(app, path)  # the same file again changes nothing
    assert code == 0 and not any(r["changes"] for r in data["rows"]) and report_count(app) == 2
    ws.cell(rows["5.1"], 7, "Đã họp dân 4 khóm")  # a submitted report is locked until review
    code, data = run(app, save(workbook, tmp_path / "again.xlsx"))
    assert code == 1 and any("Đã gửi, chờ duyệt" in e for r in data["rows"] for e in r["errors"])


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda ws, r: ws.cell(r, 6, "Xong rồi"), "không hợp lệ"),
        (lambda ws, r: (ws.cell(r, 6, "Hoàn thành"), ws.cell(r, 3, "Việc khác")), "Cột khóa"),
        (
            lambda ws, r: (ws.cell(r, 6, "Hoàn thành"), ws.cell(r, 1, 99999)),
            "không phải một việc của đơn vị",
        ),
        (lambda ws, r: ws.cell(r, 6, "Không thực hiện"), "cần lý do"),
        (
            lambda ws, r: (ws.cell(r, 6, "Đang thực hiện"), ws.cell(r, 9, "31/02/2023")),
            "không đọc được",
        ),
    ],
)
def test_bad_rows_write_nothing(app, sheet, tmp_path, edit, message):
    workbook, _ = sheet
    rows, ws = rows_by_number(workbook)
    ws.cell(rows["5.1"], 6, "Đang thực hiện")  # a good row alongside
    ws.cell(rows["5.1"], 7, "Đã họp dân")
    edit(ws, rows["1.5"])
    code, data = run(app, save(workbook, tmp_path / "bad.xlsx"))
    assert code == 1
    assert any(message in e for r in data["rows"] for e in r["errors"])
    assert report_count(app) == 0


def test_another_units_row_is_refused(app, sheet, tmp_path):
    workbook, _ = sheet
    rows, ws = rows_by_number(workbook)
    with app.app_context():
        from tracker.models import Activity, Assignment

        other = db.session.scalar(
            select(Assignment.id)
            .join(Activity)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Activity.number == "1.5", Unit.name == "Phường 2")
        )
    ws.cell(rows["1.5"], 1, other)
    ws.cell(rows["1.5"], 6, "Hoàn thành")
    ws.cell(rows["1.5"], 7, "x")
    code, data = run(app, save(workbook, tmp_path / "other.xlsx"))
    assert code == 1 and report_count(app) == 0


def test_wrong_period_and_wrong_file(app, sheet, tmp_path):
    workbook, _ = sheet
    path = save(workbook, tmp_path / "h1.xlsx")
    result = app.test_cli_runner().invoke(
        args=["import-progress", str(path), "--plan", "1", "--period", "2023-Y", "--json"]
    )
    assert result.exit_code == 1 and "kỳ khác" in json.loads(result.stdout)["errors"][0]
    (tmp_path / "x.txt").write_text("STT\tHoạt động\n1\tx\n", encoding="utf-8")
    code, data = run(app, tmp_path / "x.txt")
    assert code == 1 and "không phải bảng báo cáo tiến độ" in data["errors"][0]


def test_web_preview_then_confirm(app, client, sheet, tmp_path):
    workbook, period_id = sheet
    rows, ws = rows_by_number(workbook)
    ws.cell(rows["5.2"], 6, "Hoàn thành")
    ws.cell(rows["5.2"], 7, "Niêm yết công khai 4 nội dung")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        "/plans/1/progress-import",
        data={"period_id": period_id, "file": (io.BytesIO(buffer.getvalue()), "p1.xlsx")},
        content_type="multipart/form-data",
    )
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Niêm yết công khai 4 nội dung" in page and 'id="confirm" disabled' not in page
    assert report_count(app) == 0
    client.post(preview_url)
    assert report_count(app) == 1
    download, upload = [e for e in audit_events(app) if e["username"] == "noivu"][1:]
    assert (download["action"], download["detail"]["Kỳ"]) == ("export", "2023-H1")
    assert download["target"] == "Bảng tiến độ — Phường 1, 6 tháng đầu năm 2023"
    assert (upload["action"], upload["plan_id"]) == ("import.progress", 1)
    assert upload["detail"] == {"Tệp": "p1.xlsx", "Số báo cáo ghi": 1}


def test_exported_text_that_looks_like_a_formula_is_neutralised(app, client, auth, sheet):
    from tracker.exporters import neutralise

    assert [neutralise(v) for v in ("=1+1", "+84", "-x", "@a", "\tx", "bình thường")] == [
        "'=1+1",
        "'+84",
        "'-x",
        "'@a",
        "'\tx",
        "bình thường",
    ]


# ---- the period comes from the sheet (issue 15) -------------------------------------------


def period_ids(app) -> dict[str, int]:
    with app.app_context():
        return {p.code: p.id for p in db.session.scalars(select(ReportingPeriod))}


def upload(client, workbook, period_id, name="p1.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(
        "/plans/1/progress-import",
        data={"period_id": period_id, "file": (io.BytesIO(buffer.getvalue()), name)},
        content_type="multipart/form-data",
    )


def year_sheet(app, client):
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.name == "Phường 1"))
    response = client.get(
        f"/plans/1/periods/{period_ids(app)['2023-Y']}/units/{unit_id}/sheet.xlsx"
    )
    workbook = load_workbook(io.BytesIO(response.data))
    rows, ws = rows_by_number(workbook)
    ws.cell(rows["5.2"], 6, "Hoàn thành")
    ws.cell(rows["5.2"], 7, "Niêm yết công khai cả năm")
    return workbook


def test_the_upload_page_preselects_the_current_period(app, client, sheet):
    page = client.get("/plans/1/progress-import").get_data(as_text=True)
    selected = re.search(r'<option selected value="(\d+)">([^<]+)</option>', page)
    assert selected.group(2) == "6 tháng đầu năm 2023"  # 02/05/2023: the first half
    assert "Kỳ báo cáo được đọc từ tệp" in page


def test_a_sheet_of_another_period_is_imported_for_its_own(app, client, sheet):
    periods = period_ids(app)
    workbook = year_sheet(app, client)
    response = upload(client, workbook, periods["2023-H1"])  # the page's default
    location = response.headers["Location"]
    assert f"/periods/{periods['2023-Y']}/progress-import/" in location
    page = client.get(location).get_data(as_text=True)
    assert "Tệp là bảng của kỳ «Năm 2023»: nhập cho kỳ đó." in page
    assert "Niêm yết công khai cả năm" in page and 'id="confirm" disabled' not in page
    client.post(location)
    with app.app_context():
        [report] = db.session.scalars(select(ProgressReport)).all()
        assert (report.period.code, report.state) == ("2023-Y", "submitted")


def test_a_sheet_of_a_period_the_plan_does_not_collect_is_refused(app, client, sheet):
    workbook, period_id = sheet
    rows, ws = rows_by_number(workbook)
    ws.cell(rows["5.2"], 6, "Hoàn thành")
    ws.cell(rows["5.2"], 7, "x")
    meta = workbook["_meta"]
    [period_row] = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "period"]
    meta.cell(period_row, 2, "2022-H1")
    response = upload(client, workbook, period_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tệp là bảng của kỳ «2022-H1», nhưng kế hoạch không thu báo cáo kỳ này" in page
    assert "2023-H1, 2023-Y" in page and "Chưa ghi gì" in page
    assert report_count(app) == 0
    assert not list((app.config["INSTANCE_DIR"] / "imports").iterdir())  # nothing kept


def test_an_older_sheet_naming_no_period_takes_the_chosen_one(app, client, sheet):
    workbook, _ = sheet
    rows, ws = rows_by_number(workbook)
    ws.cell(rows["5.2"], 6, "Hoàn thành")
    ws.cell(rows["5.2"], 7, "Niêm yết")
    meta = workbook["_meta"]
    [period_row] = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "period"]
    meta.delete_rows(period_row)
    year = period_ids(app)["2023-Y"]
    location = upload(client, workbook, year).headers["Location"]
    assert f"/periods/{year}/progress-import/" in location
    assert 'id="confirm" disabled' not in client.get(location).get_data(as_text=True)


def test_a_sheet_of_another_plan_is_refused_in_the_preview(app, client, sheet):
    workbook, period_id = sheet
    meta = workbook["_meta"]
    [plan_row] = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "plan"]
    meta.cell(plan_row, 2, 99)
    location = upload(client, workbook, period_id).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Tệp là bảng của kế hoạch khác" in page and 'id="confirm" disabled' in page
