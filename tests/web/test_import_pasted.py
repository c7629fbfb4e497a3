"""A pasted annex whose empty trailing cells were stripped, imported into the seed plan:
every activity arrives, read against the plan's own units."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.domain.test_annex_cells import ANNEX_2024, UNCLEAR
from tracker.services.annex_import import preview_import
from tracker.services.plans import find_plan

PASTED = Path(__file__).parents[1] / "domain" / "pasted"


@pytest.mark.parametrize(
    "name", ["annex-2024-trailing-stripped.txt", "annex-2024-trailing-stripped.csv"]
)
def test_trailing_stripped_paste_previews_every_activity(app, name):
    with app.app_context():
        plan = find_plan("63/KH-UBND")
        preview = preview_import(plan, name, (PASTED / name).read_bytes())
        assert preview.parsed is not None and preview.resolved is not None
        assert preview.parsed.activity_count == len(ANNEX_2024) == 24
        assert [u.text for u in preview.resolved.unknown] == ["Bưu điện thị xã"]
        assert not [p for p in preview.problems if UNCLEAR in p.message]


# Short at both ends (STT cell lost, trailing cells stripped); the lead unit's name opens
# with no unit word, so only the plan's units tell it from a group title and activity.
BOTH_ENDS = (
    "STT\tNội dung\tHoạt động\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian thực hiện\n"
    "1\tCông tác thông tin tuyên truyền\t1.1. Chuyển giao tài liệu.\tPhòng Nội vụ.\n"
    "\tĐăng tải văn bản quy phạm pháp luật mới ban hành\tCổng thông tin điện tử thị xã\n"
)


def test_the_plan_units_place_a_row_short_at_both_ends(app):
    with app.app_context():
        preview = preview_import(find_plan("63/KH-UBND"), "dan.txt", BOTH_ENDS.encode())
        assert preview.parsed is not None
        (group,) = preview.parsed.groups
        second = group.activities[1]
        assert second.text.startswith("Đăng tải văn bản")
        assert second.lead_text == "Cổng thông tin điện tử thị xã"
