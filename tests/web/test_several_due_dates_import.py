"""How an annex's timeframes read, shown and corrected before the import (issue 14): the
preview gives each row's reading and flags the doubtful ones; Phòng Nội vụ writes a
clearer phrase for a row, sees it read, and the import stores that reading with the
annex's own phrase. A later import of the same annex keeps a correction and a moved
deadline. The command line's JSON gives every due date.
"""

from __future__ import annotations

import json
from datetime import date

import lxml.html
import pytest
from sqlalchemy import func, select

from tests.web.several_due_dates_support import (
    ANNEX,
    DUE_DATES,
    FLAGGED,
    PHRASES,
    PLAN_NUMBER,
    ROWS,
    create_plan,
    local,
    login,
    paste,
    table_rows,
    text_of,
    vn,
)
from tracker.domain.timeframes import CORRECTED
from tracker.extensions import db
from tracker.models import Activity, User
from tracker.services import reporting

NEEDS_CHECK = "Cần kiểm tra"


def _number(cells) -> str:
    return text_of(cells["Hoạt động"]).split(". ", 1)[0]


def parsed_rows(page: str) -> dict[str, dict]:
    """Activity number → its row in the preview: the annex row number ("Dòng"), the
    timeframe cell's text and its correction input."""
    found = {}
    for cells in table_rows(page, "parsed"):
        timeframe = cells["Thời gian thực hiện"]
        (field,) = timeframe.xpath(".//input")
        found[_number(cells)] = {
            "row": int(text_of(cells["Dòng"])),
            "text": text_of(timeframe),
            "input": field.get("name"),
            "value": field.get("value") or "",
        }
    return found


def problems(page: str) -> str:
    found = lxml.html.fromstring(page).xpath("//*[@id='problems']")
    return text_of(found[0]) if found else ""


def confirm_disabled(page: str) -> bool:
    (button,) = lxml.html.fromstring(page).xpath("//button[@id='confirm']")
    return button.get("disabled") is not None


def activities_in(app, plan_id: int) -> int:
    with app.app_context():
        in_plan = select(func.count()).where(Activity.plan_id == plan_id)
        return db.session.scalar(in_plan)


@pytest.fixture
def staged(app, client, frozen):
    """A new plan of 2025 with the annex pasted, not yet confirmed: (plan id, preview URL)."""
    frozen(local(date(2025, 6, 2), 9))
    login(client)
    plan_id = create_plan(client)
    return plan_id, paste(client, plan_id)


def test_the_preview_shows_each_reading_and_flags_the_doubtful(client, staged):
    _, url = staged
    page = client.get(url).get_data(as_text=True)
    rows = parsed_rows(page)
    assert set(rows) == set(DUE_DATES)
    for number, row in rows.items():
        assert row["input"] == f"tf::{row['row']}"
        assert PHRASES[number] in row["text"]
        for day in DUE_DATES[number]:
            assert vn(day) in row["text"], number
        assert (NEEDS_CHECK in row["text"]) == (number in FLAGGED), number
    # The annex as pasted: the header is line 1, each activity its own line after it.
    assert {n: r["row"] for n, r in rows.items()} == {
        row[2].split(". ")[0]: line for line, row in enumerate(ROWS, start=1) if line > 1
    }
    assert "từ 01/01/2025 đến 30/09/2025" in rows["1.2"]["text"].lower()
    assert "Chưa xác định được thời hạn" in rows["2.2"]["text"]
    assert not confirm_disabled(page)  # doubtful readings are for checking, not errors


def _corrected(client, url: str, rows: dict, fixes: dict[str, str], action: str = "preview"):
    data = {"action": action} | {rows[n]["input"]: phrase for n, phrase in fixes.items()}
    return client.post(url, data=data, follow_redirects=True)


FIXES = {"2.1": "trước 30/6 và 15/9/2025", "2.2": "từ tháng 7 đến tháng 12/2025"}


def test_a_correction_is_read_instead_and_stored_on_confirm(app, client, staged):
    plan_id, url = staged
    rows = parsed_rows(client.get(url).get_data(as_text=True))
    page = _corrected(client, url, rows, FIXES).get_data(as_text=True)
    again = parsed_rows(page)
    for number, phrase in FIXES.items():
        cell = again[number]
        assert PHRASES[number] in cell["text"]  # the annex's phrase stays as written
        assert f"{CORRECTED}: «{phrase}»" in cell["text"]
        assert NEEDS_CHECK not in cell["text"]
        assert cell["value"] == phrase
    assert "30/06/2025" in again["2.1"]["text"] and "15/09/2025" in again["2.1"]["text"]
    assert "31/10/2025" not in again["2.1"]["text"]
    assert "01/07/2025" in again["2.2"]["text"] and "31/12/2025" in again["2.2"]["text"]
    assert not confirm_disabled(page)

    response = _corrected(client, url, rows, FIXES, action="confirm")
    assert response.request.path == f"/plans/{plan_id}/annex"
    with app.app_context():
        in_plan = select(Activity).where(Activity.plan_id == plan_id)
        stored = {a.number: a for a in db.session.scalars(in_plan)}
        two_one, two_two = stored["2.1"], stored["2.2"]
        assert two_one.timeframe_text == PHRASES["2.1"]
        assert two_one.due_dates == (date(2025, 6, 30), date(2025, 9, 15))
        assert two_two.timeframe_text == PHRASES["2.2"]
        assert (two_two.timeframe_kind, two_two.starts_on, two_two.due_dates) == (
            "range",
            date(2025, 7, 1),
            (date(2025, 12, 31),),
        )
        for activity in (two_one, two_two):
            assert activity.timeframe_note.startswith(CORRECTED)
            assert activity.timeframe_review is False
        assert stored["1.1"].due_dates == DUE_DATES["1.1"]  # rows not corrected: as read


@pytest.mark.parametrize("phrase", ["linh tinh", "khi nào xong thì báo"])
def test_an_unreadable_correction_blocks_the_import(app, client, staged, phrase):
    plan_id, url = staged
    rows = parsed_rows(client.get(url).get_data(as_text=True))
    page = _corrected(client, url, rows, {"2.2": phrase}).get_data(as_text=True)
    assert f"Không đọc được cách sửa «{phrase}»" in problems(page)
    assert confirm_disabled(page)
    assert parsed_rows(page)["2.2"]["value"] == phrase  # kept, to be rewritten
    refused = _corrected(client, url, rows, {"2.2": phrase}, action="confirm")
    assert "Chưa thể nhập" in refused.get_data(as_text=True)
    assert activities_in(app, plan_id) == 0


def test_a_reimport_keeps_a_correction_and_a_moved_deadline(app, client, staged):
    plan_id, url = staged
    rows = parsed_rows(client.get(url).get_data(as_text=True))
    _corrected(client, url, rows, FIXES, action="confirm")
    with app.app_context():
        one_one = db.session.scalar(
            select(Activity).where(Activity.plan_id == plan_id, Activity.number == "1.1")
        )
        noivu = db.session.scalar(select(User).where(User.username == "noivu"))
        reporting.change_deadline(one_one, date(2025, 12, 19), "Gia hạn theo chỉ đạo", noivu)
        db.session.commit()

    def stored() -> dict[str, tuple]:
        with app.app_context():
            found = db.session.scalars(select(Activity).where(Activity.plan_id == plan_id))
            return {a.number: (a.timeframe_text, a.starts_on, a.due_dates) for a in found}

    kept = stored()
    assert kept["1.1"][2] == (date(2025, 6, 10), date(2025, 12, 19))

    # The same annex again: nothing to change, and confirming it changes nothing.
    again = paste(client, plan_id)
    page = client.get(again).get_data(as_text=True)
    assert 'id="no-changes"' in page
    client.post(again, data={"action": "confirm"})
    assert stored() == kept

    # The rows reworded, their timeframes as before: the rows change, the readings stay.
    reworded = ANNEX.replace("1.1. Rà soát, công khai", "1.1. Rà soát và công khai").replace(
        "2.2. Đối thoại với", "2.2. Đối thoại định kỳ với"
    )
    again = paste(client, plan_id, reworded)
    assert 'id="changed-count">2<' in client.get(again).get_data(as_text=True)
    client.post(again, data={"action": "confirm"})
    assert stored() == kept

    # A new correction for a row is a change of its reading, shown and then applied.
    again = paste(client, plan_id)
    rows = parsed_rows(client.get(again).get_data(as_text=True))
    page = _corrected(client, again, rows, {"2.2": "trước 31/10/2025"}).get_data(as_text=True)
    changes = text_of(lxml.html.fromstring(page).get_element_by_id("changes"))
    assert "Cách đọc thời hạn" in changes and "31/10/2025" in changes
    _corrected(client, again, rows, {"2.2": "trước 31/10/2025"}, action="confirm")
    assert stored() == kept | {"2.2": (PHRASES["2.2"], None, (date(2025, 10, 31),))}

    # A new phrase in the annex is read afresh: it replaces the moved deadline.
    changed = ANNEX.replace(PHRASES["1.1"], "Trước ngày 10/6 và 05/12/2025")
    again = paste(client, plan_id, changed)
    client.post(again, data={"action": "confirm"})
    new_reading = (date(2025, 6, 10), date(2025, 12, 5))
    assert stored()["1.1"] == ("Trước ngày 10/6 và 05/12/2025", None, new_reading)
    assert stored()["2.1"] == kept["2.1"]


def test_a_reimport_can_settle_a_flagged_reading(app, client, staged):
    """Imported as read — 2.1 is due 31/10, flagged for review —, then the same annex
    again with Phòng Nội vụ's own phrase for 2.1: the preview shows the row settled, and
    so should the stored activity be."""
    plan_id, url = staged
    client.post(url, data={"action": "confirm"})
    again = paste(client, plan_id)
    rows = parsed_rows(client.get(again).get_data(as_text=True))
    page = _corrected(client, again, rows, {"2.1": "trước 31/10/2025"}).get_data(as_text=True)
    assert NEEDS_CHECK not in parsed_rows(page)["2.1"]["text"]
    _corrected(client, again, rows, {"2.1": "trước 31/10/2025"}, action="confirm")
    with app.app_context():
        activity = db.session.scalar(
            select(Activity).where(Activity.plan_id == plan_id, Activity.number == "2.1")
        )
        assert activity.due_dates == (date(2025, 10, 31),)
        assert activity.timeframe_note.startswith(CORRECTED)
        assert activity.timeframe_review is False


# ---- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "due_dates"),
    [
        (PHRASES["1.1"], ["2025-06-10", "2025-11-28"]),
        ("Trước ngày 15/6 và 15/12/2025", ["2025-06-15", "2025-12-15"]),
        ("15/6 và 15/12 hằng năm", ["2025-06-15", "2025-12-15"]),
    ],
)
def test_import_annex_json_gives_every_due_date(app, client, frozen, tmp_path, phrase, due_dates):
    frozen(local(date(2025, 6, 2), 9))
    login(client)
    plan_id = create_plan(client)
    path = tmp_path / "phu-luc-2025.txt"
    path.write_text(ANNEX.replace(PHRASES["1.1"], phrase), encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["import-annex", str(path), "--plan", PLAN_NUMBER, "--dry-run", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    found = {a["number"]: a["timeframe"] for g in data["groups"] for a in g["activities"]}
    expected = {n: [f"{d}" for d in dates] for n, dates in DUE_DATES.items()} | {"1.1": due_dates}
    assert {n: t["due_dates"] for n, t in found.items()} == expected
    for number, timeframe in found.items():
        dates = expected[number]
        assert timeframe["due_on"] == (dates[-1] if dates else None)
        assert timeframe["needs_review"] == (number in FLAGGED)
        for day in dates:
            assert vn(date.fromisoformat(day)) in timeframe["reading"], number
    assert found["1.1"]["text"] == phrase
    assert activities_in(app, plan_id) == 0  # a dry run
