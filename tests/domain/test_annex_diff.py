"""What an import would add, change and remove."""

from __future__ import annotations

from dataclasses import replace

from tracker.domain.annex_diff import ActivityState, diff_annex


def state(number, text, group="1", lead=(1,), ref=None, **kw) -> ActivityState:
    return ActivityState(
        group_label=group,
        group_title=f"Nhóm {group}",
        number=number,
        number_raw=number or "",
        text=text,
        lead=lead,
        support=(),
        timeframe_text="Thường xuyên",
        ref=ref,
        **kw,
    )


CURRENT = [
    state("1.1", "Tuyên truyền", ref=1),
    state("1.2", "Hội nghị", ref=2),
    state(None, "Đối thoại với Nhân dân", ref=3),
    state("2.1", "Kiểm tra", group="2", ref=4),
]


def test_same_annex_is_no_change():
    diff = diff_annex(CURRENT, [replace(s, ref=None) for s in CURRENT])
    assert diff.is_empty
    assert len(diff.unchanged) == 4


def test_added_changed_removed():
    incoming = [
        state("1.1", "Tuyên truyền pháp luật"),
        state(None, "Đối thoại với Nhân dân", lead=(1, 2)),
        state("2.1", "Kiểm tra", group="2"),
        state("2.2", "Giám sát", group="2"),
    ]
    diff = diff_annex(CURRENT, incoming)
    assert [s.number for s in diff.added] == ["2.2"]
    assert [(c.current.ref, c.fields) for c in diff.changed] == [(1, ("text",)), (3, ("lead",))]
    assert [s.ref for s in diff.removed] == [2]


def test_renumbered_activity_is_a_change_not_a_replacement():
    incoming = [replace(s, ref=None) for s in CURRENT]
    incoming[1] = replace(incoming[1], number="1.3", number_raw="1.3")
    diff = diff_annex(CURRENT, incoming)
    assert not diff.added and not diff.removed
    assert [(c.current.ref, c.fields) for c in diff.changed] == [(2, ("number", "number_raw"))]


def test_same_number_in_another_group_is_another_activity():
    diff = diff_annex([state("1.1", "A", group="1", ref=1)], [state("1.1", "A", group="2")])
    assert len(diff.added) == 1 and len(diff.removed) == 1
