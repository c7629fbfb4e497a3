"""Evidence document references as the seeds write them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.evidence import find_documents

CASES = [
    (
        "Kế hoạch số 35/KH-UBND ngày 22/02/2023 của UBND thị xã",
        [("Kế hoạch", "35/KH-UBND", date(2023, 2, 22), "UBND thị xã")],
    ),
    ("Kế hoạch 63/KH-UBND ngày 11/4/2023", [("Kế hoạch", "63/KH-UBND", date(2023, 4, 11), "")]),
    (
        "Công văn số 2064/UBND-NC ngày 14/12/2020 của Chủ tịch UBND thị xã Vĩnh Châu",
        [("Công văn", "2064/UBND-NC", date(2020, 12, 14), "Chủ tịch UBND thị xã Vĩnh Châu")],
    ),
    ("Nghị định số 09/2019/NĐ-CP", [("Nghị định", "09/2019/NĐ-CP", None, "")]),
    (
        "Quy chế số 07-QC/TU ngày 19/5/2017 của Tỉnh ủy Sóc Trăng; Quy chế số 04-QC/TU ngày 03/12/2019",
        [
            ("Quy chế", "07-QC/TU", date(2017, 5, 19), "Tỉnh ủy Sóc Trăng"),
            ("Quy chế", "04-QC/TU", date(2019, 12, 3), ""),
        ],
    ),
    (
        "Đã ban hành 123/BC-UBND ngày 15 tháng 12 năm 2023",
        [("Báo cáo", "123/BC-UBND", date(2023, 12, 15), "")],
    ),
    ("Quyết định 1738/QĐ-UBND ngày 31/02/2022", [("Quyết định", "1738/QĐ-UBND", None, "")]),
    ("Đã tổ chức 3 hội nghị tuyên truyền", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_find_documents(text, expected):
    found = [(d.doc_type, d.number, d.issued_on, d.issuer) for d in find_documents(text)]
    assert found == expected


@pytest.mark.parametrize(
    "text,label",
    [
        ("KH số 35/KH-UBND ngày 22/02/2023", "Kế hoạch số 35/KH-UBND ngày 22/02/2023"),
        ("KH số 12/KH-UBND ngày 8/3/2023", "Kế hoạch số 12/KH-UBND ngày 08/3/2023"),
    ],
)
def test_label_writes_the_date_as_documents_do(text, label):
    """NĐ 30/2020: a day under 10 and the months 1 and 2 take a leading zero
    (documents.cited_date)."""
    (ref,) = find_documents(text)
    assert ref.label() == label


@given(st.text(max_size=200))
def test_never_raises(text):
    find_documents(text)
