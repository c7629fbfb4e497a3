"""Index frameworks (domain.frameworks): a new framework read from the form, and a plan's
figures split by framework from the one computation's rows by dimension."""

from __future__ import annotations

import pytest

from tracker.domain.figures import Outcome, Tally
from tracker.domain.frameworks import (
    DimensionName,
    FrameworkName,
    by_framework,
    read_new_framework,
)

PAPI = FrameworkName(
    1,
    "PAPI",
    "Chỉ số PAPI",
    "PAPI",
    "chỉ số nội dung",
    tuple(DimensionName(i, i, f"Chỉ số {i}") for i in range(1, 9)),
)
SIPAS = FrameworkName(
    3, "SIPAS", "Chỉ số hài lòng (SIPAS)", "SIPAS", "yếu tố",
    tuple(DimensionName(16 + n, n, f"Yếu tố {n}") for n in range(1, 6)),
)  # fmt: skip


def _tally(done: int, none: int) -> Tally:
    return Tally.from_counts({Outcome.DONE_ON_TIME: done, Outcome.NOT_STARTED: none})


def test_each_framework_takes_its_own_rows_in_number_order():
    rows = [(8, _tally(1, 0)), (3, _tally(0, 2)), (18, _tally(2, 1)), (40, _tally(1, 1))]
    found = by_framework([SIPAS, PAPI], rows)
    assert [s.framework.short_name for s in found] == ["SIPAS", "PAPI"]  # the plan's order
    assert [(x.dimension.number, x.tally.total) for x in found[0].lines] == [(2, 3)]
    assert [(x.dimension.number, x.tally.total) for x in found[1].lines] == [(3, 2), (8, 1)]
    # A dimension of no framework the plan follows (40) is in no section.
    assert sum(len(s.lines) for s in found) == 3


def test_a_framework_no_item_is_tagged_with_has_no_rows():
    assert by_framework([SIPAS], [(1, _tally(1, 0))])[0].lines == ()


def test_running_text_names_one_dimension_by_its_head_word():
    assert PAPI.dimension_word == "chỉ số"
    assert SIPAS.dimension_word == "yếu tố"


def _read(**changes: str):
    fields = {
        "name": "Chỉ số chuyển đổi số (DTI)",
        "short_name": "DTI",
        "dimension_noun": "chỉ số thành phần",
        "dimension_lines": "1. Nhận thức số\n2) Thể chế số\n\n   Hạ tầng số  \n",
    } | changes
    return read_new_framework(**fields, taken_names=["Chỉ số PAPI", "PAPI"])


def test_a_new_framework_is_read_with_its_dimensions_numbered_in_order():
    new, problems = _read()
    assert problems == []
    assert new is not None
    assert new.dimensions == ("Nhận thức số", "Thể chế số", "Hạ tầng số")
    assert new.code == "DTI"
    assert _read(short_name="PAR  Index")[0].code == "PAR_INDEX"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"name": ""}, "Nhập tên bộ chỉ số (ví dụ: Chỉ số hài lòng của người dân)."),
        ({"name": "x" * 201}, "Tên bộ chỉ số dài quá 200 ký tự."),
        ({"short_name": " "}, "Nhập tên viết tắt (ví dụ: SIPAS)."),
        ({"short_name": "Papi"}, "Đã có bộ chỉ số «Papi»; chọn tên khác."),
        ({"name": "chi so papi"}, "Đã có bộ chỉ số «chi so papi»; chọn tên khác."),
        ({"dimension_noun": "trục"}, "Chọn cách gọi các phần của bộ chỉ số trong danh sách."),
        ({"dimension_lines": ""}, "Nhập các chỉ số thành phần, mỗi dòng một chỉ số."),
        ({"dimension_lines": "A\nB\na"}, "Chỉ số «a» ghi hai lần."),
        ({"dimension_lines": "\n".join(f"Chỉ số {i}" for i in range(41))},
         "Một bộ chỉ số có nhiều nhất 40 chỉ số thành phần."),
    ],
)  # fmt: skip
def test_a_bad_framework_says_what_is_wrong(changes, problem):
    new, problems = _read(**changes)
    assert new is None
    assert problem in problems
