"""RFC 5545 writing: TEXT escaping, folding at 75 octets, alarm durations, event text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain import ical
from tracker.domain.calendar import (
    DeadlineEvent,
    FeedHeader,
    description,
    render,
    short_title,
    summary,
)


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append({"n": "\n", "N": "\n"}.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Kiểm tra công vụ", "Kiểm tra công vụ"),
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("dòng 1\r\ndòng 2\ndòng 3\rdòng 4", "dòng 1\\ndòng 2\\ndòng 3\\ndòng 4"),
        ("\r\nATTENDEE:mailto:x@y", "\\nATTENDEE:mailto:x@y"),
        ("END:VEVENT\r\nBEGIN:VEVENT", "END:VEVENT\\nBEGIN:VEVENT"),
        ("tab\there", "tab here"),
        ("bell\x07 nul\x00 del\x7f", "bell nul del"),
        ("vt\x0bff\x0cnel\x85ls\u2028ps\u2029", "vt\\nff\\nnel\\nls\\nps\\n"),
        ("\\n literal", "\\\\n literal"),
        ("😀 🇻🇳", "😀 🇻🇳"),
    ],
)
def test_escape_text(raw, escaped):
    assert ical.escape_text(raw) == escaped


@given(st.text())
def test_escaped_text_has_no_line_break_and_reads_back(text):
    escaped = ical.escape_text(text)
    assert not any(ch in escaped for ch in "\r\n\x0b\x0c\x85\u2028\u2029")
    expected = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    for ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
        expected = expected.replace(ch, "\n")
    expected = "".join(c for c in expected if c == "\n" or not (ord(c) < 32 or ord(c) == 127))
    assert unescape(escaped) == expected


@given(st.text(min_size=0, max_size=400))
def test_folded_lines_are_at_most_75_octets_and_unfold_back(text):
    line = "DESCRIPTION:" + ical.escape_text(text)
    folded = ical.fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert unfold(folded) == line


@given(st.text(max_size=300), st.text(max_size=300))
def test_fold_joined_is_fold_of_the_whole(head, tail):
    head, tail = "DESCRIPTION:" + ical.escape_text(head), ical.escape_text(tail)
    assert ical.fold_joined(head, tail) == ical.fold(head + tail)


def test_fold_never_cuts_inside_a_character():
    line = "SUMMARY:" + "ệ" * 40 + "😀" * 30
    for physical in ical.fold(line).split("\r\n"):
        physical.encode("utf-8").decode("utf-8")  # every piece is whole characters
        assert len(physical.encode("utf-8")) <= 75


@pytest.mark.parametrize(
    ("days", "hour", "trigger"),
    [(3, 8, "-P2DT16H"), (1, 8, "-PT16H"), (0, 8, "PT8H"), (1, 0, "-P1D"), (7, 0, "-P7D")],
)
def test_alarm_rings_in_the_morning(days, hour, trigger):
    assert ical.before_all_day(days, hour) == trigger


def test_utc_value_refuses_naive_times():
    assert ical.utc_value(datetime(2023, 6, 15, 3, 15, tzinfo=UTC)) == "20230615T031500Z"
    with pytest.raises(ValueError):
        ical.utc_value(datetime(2023, 6, 15))


def test_short_title_cuts_at_a_word():
    assert short_title("Kiểm tra công vụ") == "Kiểm tra công vụ"
    long = "Tăng cường công tác thanh tra, kiểm tra công vụ, chú trọng kiểm tra đột xuất"
    assert short_title(long) == "Tăng cường công tác thanh tra, kiểm tra công vụ…"
    assert len(short_title("x" * 500)) == 49


def event(**changes) -> DeadlineEvent:
    base = DeadlineEvent(
        uid="assignment-7-deadline@example.org",
        day=date(2023, 12, 15),
        role="lead",
        number="6.3",
        text="Kiểm tra công vụ, công chức năm 2023",
        status="✓ Đã hoàn thành",
        done=True,
        sequence=2,
        last_modified=datetime(2023, 12, 1, 2, tzinfo=UTC),
        url="http://127.0.0.1:5000/activities/7",
        timeframe_text="Năm 2023",
        other_units=(("Đơn vị phối hợp", ("Thanh tra thị xã", "Phòng Tư pháp")),),
        original_due_on=date(2023, 11, 30),
    )
    return base._replace(**changes)


def test_summary_names_role_number_title_and_status():
    assert (
        summary(event()) == "[Chủ trì] 6.3 Kiểm tra công vụ, công chức năm 2023 — ✓ Đã hoàn thành"
    )
    assert summary(event(role="support", unit_name="xã Vĩnh Hải", number=None, status="")) == (
        "[Phối hợp · xã Vĩnh Hải] Kiểm tra công vụ, công chức năm 2023"
    )
    assert summary(event(period_label="Năm 2023", status="Chưa báo cáo")).endswith(
        "— Báo cáo Năm 2023: Chưa báo cáo"
    )


def test_description_has_text_units_timeframe_first_deadline_and_link():
    assert description(event()).split("\n") == [
        "Kiểm tra công vụ, công chức năm 2023",
        "Đơn vị phối hợp: Thanh tra thị xã; Phòng Tư pháp",
        "Thời gian thực hiện: Năm 2023",
        "Thời hạn ban đầu: 30/11/2023",
        "Xem: http://127.0.0.1:5000/activities/7",
    ]


def test_done_event_is_free_time_without_alarm_and_open_event_has_alarm():
    header = FeedHeader("PAPI – Phòng Nội vụ", "Thời hạn", "steelblue")
    done = render(header, [event()], 3).decode()
    assert "TRANSP:TRANSPARENT" in done and "VALARM" not in done
    open_ = render(header, [event(done=False, status="Chưa báo cáo")], 3).decode()
    assert "TRANSP" not in open_ and "TRIGGER:-P2DT16H" in open_
    assert "VALARM" not in render(header, [event(done=False)], None).decode()


def test_body_ends_every_line_with_crlf():
    body = render(FeedHeader("a", "b", "red"), [event()], None)
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")


@given(
    st.text(min_size=1, max_size=300),
    st.text(max_size=80),
    st.one_of(st.none(), st.text(max_size=40)),
    st.text(max_size=60),
)
def test_event_lines_are_the_folded_escaped_summary_and_description(text, unit, period, status):
    """The memoised pieces put together write exactly what escaping and folding the whole
    summary and description would."""
    from tracker.domain.calendar import event_text

    e = event(text=text, unit_name=unit or None, period_label=period, status=status, done=False)
    written = event_text(e, 3).split("\r\n")
    whole = "\r\n".join(written)
    assert ical.fold("SUMMARY:" + ical.escape_text(summary(e))) in whole
    assert ical.fold("DESCRIPTION:" + ical.escape_text(description(e))) in whole
    assert ical.fold("DESCRIPTION:" + ical.escape_text(summary(e))) in whole  # the alarm
    assert all(len(line.encode()) <= 75 for line in written)
