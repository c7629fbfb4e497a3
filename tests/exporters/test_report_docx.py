"""The Word report read back with python-docx, as a reader would: header, sentences and
tables agree with the `summary` command to the digit; the annex lists all 23 activities."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.exporters.conftest import ACTIVITIES, generate


def open_report(app):
    return Document(io.BytesIO(generate(app, "docx")))


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_header_follows_decree_30(app):
    document = open_report(app)
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "THỊ XÃ VĨNH CHÂU"]
    assert all(r.bold for p in left.paragraphs for r in p.runs if r.text)
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    # the short rules are bottom borders of empty paragraphs, in both columns
    assert all(c._tc.xpath(".//w:pBdr/w:bottom") for c in (left, right))
    number, place = header.rows[1].cells
    assert number.text == "Số: …/BC-UBND"
    assert place.text == "Vĩnh Châu, ngày 15 tháng 12 năm 2023"
    assert all(r.italic for r in place.paragraphs[0].runs)
    borders = header._tbl.xpath(".//w:tblBorders")
    assert not borders  # a layout table: no borders
    texts = paragraphs(document)
    assert texts[0] == "BÁO CÁO" and document.paragraphs[0].runs[0].bold
    assert texts[1].startswith("Kết quả thực hiện Kế hoạch số 63/KH-UBND ngày 11/4/2023")
    assert "cải thiện, nâng cao Chỉ số hiệu quả quản trị" in texts[1]
    assert texts[1].endswith("(tính đến ngày 15/12/2023)")
    assert "Kính gửi: Sở Nội vụ tỉnh Sóc Trăng." in texts


def test_page_and_fonts(app):
    document = open_report(app)
    first, annex = document.sections

    def mm(*lengths):  # stored in twentieths of a point
        return tuple(round(length.mm) for length in lengths)

    assert mm(first.page_width, first.page_height) == (210, 297)
    assert mm(first.top_margin, first.bottom_margin, first.left_margin, first.right_margin) == (
        20, 20, 30, 15,
    )  # fmt: skip
    assert annex.orientation == WD_ORIENT.LANDSCAPE and mm(annex.page_width) == (297,)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:cs")) == "Times New Roman"
    body = [p for p in document.paragraphs if p.text.startswith("Đã triển khai thực hiện")][0]
    assert body.paragraph_format.alignment == 3  # justified
    assert body.paragraph_format.first_line_indent > 0


def test_sentences_are_the_summary_commands(app, summary):
    texts = paragraphs(open_report(app))
    assert summary["summary"]["headline"] + "." in texts
    assert summary["summary"]["breakdown"] in texts
    assert any("Hoạt động 1.5: 07/10 xã, phường" in t for t in texts)
    for heading in ("I. CĂN CỨ BÁO CÁO", "II. KẾT QUẢ THỰC HIỆN", "IV. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in texts


def _rows(table):
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def test_figure_tables_agree_with_the_summary(app, summary):
    document = open_report(app)
    by_dimension, by_group = document.tables[1], document.tables[2]
    expected = [
        [str(d["id"]), d["name"], str(d["total"]), d["carried_out"]["fraction"],
         d["carried_out"]["percent"], d["done"]["fraction"], d["done"]["percent"]]
        for d in summary["by_dimension"]
    ]  # fmt: skip
    assert _rows(by_dimension) == expected
    expected = [
        [g["label"], g["title"], str(g["total"]), g["carried_out"]["fraction"],
         g["carried_out"]["percent"], g["done"]["fraction"], g["done"]["percent"]]
        for g in summary["by_group"]
    ]  # fmt: skip
    assert _rows(by_group) == expected


def test_units_late_work_and_signature(app):
    document = open_report(app)
    texts = paragraphs(document)
    joined = "\n".join(texts)
    # what units did comes from accepted reports of the round, with evidence
    assert "Phòng Nội vụ:" in texts
    assert "Quyết định số 1520/QĐ-UBND ngày 15/9/2023" in joined
    assert "Tuyên truyền 02 buổi." in joined  # xã Lai Hòa, accepted
    assert "xã Vĩnh Hải:" not in texts  # submitted only: not in the report
    # not carried out, with its reason
    assert "Năm 2023 không phát sinh nguồn đóng góp tự nguyện" in joined
    assert "Không có nhiệm vụ quá hạn chưa hoàn thành." in texts
    signature = document.tables[3]
    left, right = signature.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:"
    run = left.paragraphs[0].runs[0]
    assert run.bold and run.italic and run.font.size.pt == 12
    assert all(r.font.size.pt == 11 for p in left.paragraphs[1:] for r in p.runs)
    assert [p.text for p in right.paragraphs if p.text] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]


def test_annex_lists_every_activity_with_its_status(app, summary):
    document = open_report(app)
    texts = paragraphs(document)
    assert "PHỤ LỤC" in texts
    assert (
        "(Kèm theo Báo cáo số …/BC-UBND ngày 15/12/2023 của Ủy ban nhân dân thị xã Vĩnh Châu)"
        in texts
    )
    annex = document.tables[-1]
    header = annex.rows[0]
    assert header._tr.xpath("./w:trPr/w:tblHeader")  # repeated on every page
    assert [c.text for c in header.cells][:6] == [
        "STT", "Nội dung", "Hoạt động", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện",
    ]  # fmt: skip
    rows = _rows(annex)
    activities = [r for r in rows if r[6]]  # the group 6 heading row has no status
    assert len(activities) == ACTIVITIES
    by_number = {r[2].split(" ")[0]: r for r in activities}
    assert by_number["6.3."][6] == "Hoàn thành đúng hạn"
    assert by_number["6.4."][6] == "Không thực hiện"
    assert "Năm 2023 không phát sinh" in by_number["6.4."][7]
    assert by_number["1.5."][6].endswith("07/10 xã, phường")
    assert "Báo cáo số 412/BC-UBND ngày 20/11/2023" in by_number["6.3."][8]
    # merged STT cells: the group label once per group, as the annex gives it
    assert annex._tbl.xpath(".//w:vMerge")
    statuses = [r[6].split("\n")[0] for r in activities]
    assert (
        statuses.count("Hoàn thành đúng hạn")
        >= summary["summary"]["counts"]["done_on_time"]["numerator"]
    )


def test_difficulties_and_proposals_come_from_the_rounds_reports(app):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import ProgressReport

    with app.app_context():
        report = db.session.scalars(
            select(ProgressReport)
            .where(ProgressReport.state == "accepted", ProgressReport.period_id == 2)
            .order_by(ProgressReport.id)
        ).first()
        report.difficulties = "Thiếu kinh phí in tài liệu."
        report.proposals = "Đề nghị Sở Nội vụ cấp thêm tài liệu."
        db.session.commit()
    texts = paragraphs(open_report(app))
    assert "- Phòng Nội vụ: Thiếu kinh phí in tài liệu." in texts
    assert "- Phòng Nội vụ: Đề nghị Sở Nội vụ cấp thêm tài liệu." in texts
    assert texts.index("- Phòng Nội vụ: Đề nghị Sở Nội vụ cấp thêm tài liệu.") > texts.index(
        "IV. ĐỀ XUẤT, KIẾN NGHỊ"
    )


def test_kinh_gui_is_optional(app, tmp_path):
    out = tmp_path / "r.docx"
    result = app.test_cli_runner().invoke(
        args=["export", "docx", "--plan", "1", "--as-of", "2023-12-15", "--to", "", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    texts = paragraphs(Document(str(out)))
    assert not any(t.startswith("Kính gửi") for t in texts)
    assert "- Như trên;" not in "\n".join(c.text for c in Document(str(out)).tables[3]._cells)
