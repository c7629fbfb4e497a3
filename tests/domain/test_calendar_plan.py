"""A plan's calendar: one event per activity and due date, titled with the count of lead
units that reported, described in a few lines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain import ical
from tracker.domain.calendar import FeedHeader
from tracker.domain.calendar_plan import PlanEvent, description, event_text, render, summary

TEXT = "Thông tin tuyên truyền để người dân nắm được các nội dung của Chỉ số PAPI"


def event(**changes) -> PlanEvent:
    base = PlanEvent(
        uid="a5-p2@example.org",
        day=date(2023, 12, 15),
        number="1.5",
        text=TEXT,
        leads=10,
        reported=7,
        done=False,
        sequence=4,
        last_modified=datetime(2023, 12, 14, 2, tzinfo=UTC),
        url="http://127.0.0.1:5000/activities/5",
        lead_names=("UBND xã, phường (10)",),
        not_reported=("xã Vĩnh Hiệp", "xã Vĩnh Tân"),
        pending=("xã Vĩnh Hải",),
    )
    return base._replace(**changes)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "1.5 Thông tin tuyên truyền để người… — 07/10 đã báo cáo"),
        (
            {"deadline": True, "leads": 3, "reported": 1, "number": None},
            "Thông tin tuyên truyền để người… — 01/03 đã có kết quả",
        ),
        (
            {"reported": 10, "done": True},
            "1.5 Thông tin tuyên truyền để người… — ✓ 10/10 đã báo cáo",
        ),
        (
            {"deadline": True, "reported": 10, "done": True},
            "1.5 Thông tin tuyên truyền để người… — ✓ 10/10 đã có kết quả",
        ),
        (
            {"leads": 1234, "reported": 1001},
            "1.5 Thông tin tuyên truyền để người… — 1.001/1.234 đã báo cáo",
        ),
    ],
)
def test_summary_is_number_short_title_and_count_of_lead_units(changes, expected):
    # No period label and no "đơn vị": the date says which round.
    assert summary(event(**changes)) == expected


def test_a_group_is_followed_by_who_is_missing_named_or_counted():
    assert description(event()).split("\n") == [
        "Chủ trì: UBND xã, phường (10)",
        "Chưa báo cáo: xã Vĩnh Hiệp; xã Vĩnh Tân",
        "Chờ duyệt: xã Vĩnh Hải",
        "http://127.0.0.1:5000/activities/5",
    ]
    many = event(reported=2, not_reported=tuple(f"xã {i}" for i in range(8)), pending=())
    assert description(many).split("\n")[1] == "Chưa báo cáo: 08 đơn vị"
    # Nobody yet: the summary's 00/10 says who is missing.
    nobody = event(reported=0, not_reported=tuple(f"xã {i}" for i in range(10)), pending=())
    assert description(nobody).split("\n") == [
        "Chủ trì: UBND xã, phường (10)",
        "http://127.0.0.1:5000/activities/5",
    ]


def test_units_named_one_by_one_are_marked_in_place():
    offices = event(
        leads=3,
        reported=2,
        lead_names=("Phòng Nội vụ", "Phòng Tư pháp", "Thanh tra thị xã"),
        not_reported=("Phòng Tư pháp",),
        pending=("Thanh tra thị xã",),
        deadline=True,
        day=date(2023, 7, 31),
        original_due_on=date(2023, 6, 30),
    )
    nobody = offices._replace(reported=0, not_reported=offices.lead_names, pending=())
    assert description(nobody).startswith("Chủ trì: Phòng Nội vụ; Phòng Tư pháp; Thanh tra")
    assert description(offices).split("\n") == [
        "Chủ trì: Phòng Nội vụ; Phòng Tư pháp (chưa báo cáo); Thanh tra thị xã (chờ duyệt)",
        "Thời hạn ban đầu: 30/06/2023",
        "http://127.0.0.1:5000/activities/5",
    ]


def test_the_activity_text_is_never_written_in_full():
    body = render(FeedHeader("PAPI – Kế hoạch", "Kế hoạch", "darkred"), [event()]).decode()
    assert TEXT not in body.replace("\r\n ", "")
    assert "VALARM" not in body and "TRANSP" not in body
    done = render(FeedHeader("a", "b", "red"), [event(done=True, reported=10)]).decode()
    assert "TRANSP:TRANSPARENT" in done


def test_no_lead_unit_is_said_plainly():
    lonely = event(leads=0, reported=0, lead_names=(), not_reported=(), pending=())
    assert summary(lonely).endswith("— chưa có đơn vị chủ trì")
    assert description(lonely).startswith("Chủ trì: chưa có\n")


# Text as stored: UTF-8 (no lone surrogates), and clean() splits lines, so no CR is left in it. A CR ending one line of
# the description would merge with the next line's break when the whole is escaped
# (CRLF is one break) but not when each line is, as the feed does.
stored_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r"))
names = st.lists(stored_text.filter(bool).map(lambda t: t[:40]), max_size=5).map(tuple)


@given(
    st.text(min_size=1, max_size=300),
    names,
    names,
    stored_text.map(lambda t: t[:80]),
    st.booleans(),
)
def test_event_lines_are_the_folded_escaped_summary_and_description(
    text, leads, waiting, url, deadline
):
    """The memoised pieces put together write exactly what escaping and folding the whole
    summary and description would."""
    e = event(
        text=text,
        lead_names=leads,
        leads=len(leads),
        reported=len(leads) - len(waiting[: len(leads)]),
        not_reported=waiting[: len(leads)],
        pending=(),
        url=url,
        deadline=deadline,
        original_due_on=date(2023, 11, 30) if deadline else None,
    )
    written = event_text(e).split("\r\n")
    whole = "\r\n".join(written)
    assert ical.fold("SUMMARY:" + ical.escape_text(summary(e))) in whole
    assert ical.fold("DESCRIPTION:" + ical.escape_text(description(e))) in whole
    assert all(len(line.encode()) <= 75 for line in written)
