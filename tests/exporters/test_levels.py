"""The report upward in a two-tier government (issue 16): its header names the issuing
body at its level — a province on its own, a commune under its province (NĐ 30/2020,
Phụ lục I: the governing body in capitals, regular, "Ủy ban nhân dân" shortened to
"UBND" as II.3 allows, above the issuing one in bold) — and
its default "Kính gửi" follows the level. Golden lines; the district's are unchanged
(tests/exporters/test_golden.py)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document
from sqlalchemy import select

from tests.web.test_tenancy import ANNEX
from tracker.domain.units import UnitKind
from tracker.extensions import db
from tracker.models import Locality
from tracker.models.units import COMMUNE, PROVINCE
from tracker.services import plans
from tracker.services.annex_import import apply_import, preview_import
from tracker.services.catalog import create_unit
from tracker.services.exports import report as exports

STAMP = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)


def _plan(locality: Locality, number: str) -> None:
    for name in ("Văn phòng HĐND và UBND xã", "Phòng Kinh tế"):  # the units ANNEX names
        create_unit(locality, name, UnitKind.OFFICE)
    plan = plans.create_plan(
        locality,
        number=number,
        issued_on=date(2026, 3, 2),
        year=2026,
        title="Cải thiện Chỉ số PAPI năm 2026",
        noun="nhiệm vụ",
        user=None,
    )
    apply_import(preview_import(plan, "phu-luc.txt", ANNEX.encode()), None)


@pytest.fixture
def two_levels(app):
    with app.app_context():
        province = Locality(
            name="tỉnh Cà Mau",
            place_name="Cà Mau",
            issuing_body="Ủy ban nhân dân tỉnh Cà Mau",
            province="tỉnh Cà Mau",
            level=PROVINCE,
        )
        ward = Locality(
            name="phường Tân Thành",
            place_name="Tân Thành",
            issuing_body="Ủy ban nhân dân phường Tân Thành",
            province="tỉnh Cà Mau",
            level=COMMUNE,
            parent=province,
        )
        db.session.add_all([province, ward])
        db.session.flush()
        _plan(province, "210/KH-UBND")
        _plan(ward, "18/KH-UBND")
        db.session.commit()


def header_and_recipient(app, number: str) -> tuple[list[tuple[str, bool]], str]:
    with app.app_context():
        request = exports.ExportRequest(plan=number, as_of=date(2026, 12, 15), generated_at=STAMP)
        _, content, _ = exports.export(request, "docx")
    document = Document(io.BytesIO(content))
    cell = document.tables[0].rows[0].cells[0]
    lines = [(p.text, all(r.bold for r in p.runs)) for p in cell.paragraphs if p.text.strip()]
    recipient = next(p.text for p in document.paragraphs if p.text.startswith("Kính gửi"))
    return lines, recipient


def test_a_province_heads_its_report_alone_and_reports_to_the_ministry(app, two_levels):
    lines, recipient = header_and_recipient(app, "210/KH-UBND")
    assert lines == [("ỦY BAN NHÂN DÂN", True), ("TỈNH CÀ MAU", True)]
    assert recipient == "Kính gửi: Bộ Nội vụ."


def test_a_commune_names_its_province_above_it(app, two_levels):
    lines, recipient = header_and_recipient(app, "18/KH-UBND")
    assert lines == [
        ("UBND TỈNH CÀ MAU", False),
        ("ỦY BAN NHÂN DÂN", True),
        ("PHƯỜNG TÂN THÀNH", True),
    ]
    assert recipient == "Kính gửi: Ủy ban nhân dân tỉnh Cà Mau (qua Sở Nội vụ)."


def test_the_district_header_is_as_before(app):
    lines, recipient = header_and_recipient(app, "63/KH-UBND")
    assert lines == [("ỦY BAN NHÂN DÂN", True), ("THỊ XÃ VĨNH CHÂU", True)]
    assert recipient == "Kính gửi: Ủy ban nhân dân tỉnh Sóc Trăng (qua Sở Nội vụ)."


def document_text(app, number: str) -> str:
    with app.app_context():
        request = exports.ExportRequest(plan=number, as_of=date(2026, 12, 15), generated_at=STAMP)
        _, content, _ = exports.export(request, "docx")
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize(
    ("number", "office"), [("210/KH-UBND", "Sở Nội vụ"), ("18/KH-UBND", "Văn phòng HĐND và UBND")]
)
def test_the_report_names_the_localitys_own_office(app, two_levels, number, office):
    """ "Nơi nhận" lists the office that follows the plan, as its locality names it."""
    found = document_text(app, number)
    assert f"- {office};" in found
    assert "Phòng Nội vụ" not in found


def test_a_commune_in_an_instance_of_its_own_still_names_its_province(app):
    """Made on the command line with its province only named (no province locality)."""
    made = app.test_cli_runner().invoke(
        args=["locality", "add", "--level", "commune", "--name", "xã Hòa Tú",
              "--province", "tỉnh Cà Mau"]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    with app.app_context():
        commune = db.session.scalar(select(Locality).where(Locality.name == "xã Hòa Tú"))
        assert commune.parent is None and commune.issuing_body == "Ủy ban nhân dân xã Hòa Tú"
        _plan(commune, "7/KH-UBND")
        db.session.commit()
    lines, recipient = header_and_recipient(app, "7/KH-UBND")
    assert lines == [("UBND TỈNH CÀ MAU", False), ("ỦY BAN NHÂN DÂN", True), ("XÃ HÒA TÚ", True)]
    assert recipient == "Kính gửi: Ủy ban nhân dân tỉnh Cà Mau (qua Sở Nội vụ)."
