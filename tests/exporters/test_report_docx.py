"""The Word report read back with python-docx, as a reader would: the header after NĐ
30/2020, the content after seeds 000–002 (the period in the trích yếu, "Thực hiện …",
sections I–IV, activities named in full), and figures that agree with the `summary`
command to the digit; the annex lists all 23 activities."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.exporters.conftest import ACTIVITIES, generate, year_report_says


def open_report(app, **changes):
    return Document(io.BytesIO(generate(app, "docx", **changes)))


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
    # a draft: the day of signing is left for the clerk (seeds 000–002)
    assert place.text == "Vĩnh Châu, ngày " + "\u00a0" * 6 + " tháng 12 năm 2023"
    assert all(r.italic for r in place.paragraphs[0].runs)
    borders = header._tbl.xpath(".//w:tblBorders")
    assert not borders  # a layout table: no borders
    texts = paragraphs(document)
    assert texts[0] == "BÁO CÁO" and document.paragraphs[0].runs[0].bold
    # the trích yếu names the period
    assert texts[1] == (
        "Kết quả triển khai thực hiện nhiệm vụ, giải pháp cải thiện, nâng cao Chỉ số hiệu quả "
        "quản trị và hành chính công (PAPI) thị xã Vĩnh Châu năm 2023"
    )
    # seed 004, V.14: "báo cáo UBND tỉnh (qua Sở Nội vụ)"
    assert "Kính gửi: Ủy ban nhân dân tỉnh Sóc Trăng (qua Sở Nội vụ)." in texts


def test_a_signed_report_is_dated(app):
    from datetime import date

    document = open_report(app, signed_on=date(2023, 12, 18), document_number="412")
    number, place = document.tables[0].rows[1].cells
    assert (number.text, place.text) == ("Số: 412/BC-UBND", "Vĩnh Châu, ngày 18 tháng 12 năm 2023")
    assert (
        "(Kèm theo Báo cáo số 412/BC-UBND ngày 18/12/2023 của Ủy ban nhân dân thị xã Vĩnh Châu)"
        in paragraphs(document)
    )


def test_page_fonts_and_page_numbers(app):
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
    body = next(p for p in document.paragraphs if p.text.startswith("Tính đến ngày"))
    assert body.paragraph_format.alignment == 3  # justified
    assert body.paragraph_format.first_line_indent > 0
    # page numbers top centre from page 2; the annex numbered on its own from 1
    for section in (first, annex):
        assert section.different_first_page_header_footer
        assert section.header._element.xpath(".//w:fldSimple[@w:instr='PAGE']")
        assert not section.first_page_header._element.xpath(".//w:fldSimple")
    assert annex._sectPr.xpath("./w:pgNumType[@w:start='1']")
    assert not first._sectPr.xpath("./w:pgNumType")


def test_the_opening_and_the_figures_are_the_summary_commands(app, summary):
    texts = paragraphs(open_report(app))
    # "Thực hiện …" (never "Căn cứ"), citing what the plan implements and the plan
    opening = texts[texts.index("Kính gửi: Ủy ban nhân dân tỉnh Sóc Trăng (qua Sở Nội vụ).") + 1]
    assert opening.startswith("Thực hiện Đề án số 02/ĐA-UBND ngày 08/8/2022 của Ủy ban nhân")
    assert "Kế hoạch số 90/KH-UBND ngày 05/9/2022" in opening
    assert "Kế hoạch số 63/KH-UBND ngày 11/4/2023 của Ủy ban nhân dân thị xã Vĩnh Châu" in opening
    assert not any(t.startswith("Căn cứ") for t in texts)
    assert (
        "Ủy ban nhân dân thị xã Vĩnh Châu báo cáo kết quả thực hiện Kế hoạch số 63/KH-UBND "
        "năm 2023 như sau:" in texts
    )
    headline = (
        f"Tính đến ngày 14/12/2023, thị xã Vĩnh Châu {summary['summary']['text'][:1].lower()}"
    )
    assert headline + summary["summary"]["text"][1:] in texts
    assert any(t.startswith("Riêng trong kỳ năm 2023: 06/23 nhiệm vụ") for t in texts)
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế và nguyên nhân",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
    ):
        assert heading in texts
    # no unit proposed anything in the demo: no empty heading
    assert "IV. ĐỀ XUẤT, KIẾN NGHỊ" not in texts


def _rows(table):
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def test_the_dimension_table_agrees_with_the_summary(app, summary):
    document = open_report(app)
    expected = [
        [str(d["id"]), d["name"], str(d["total"]), d["carried_out"]["fraction"],
         d["carried_out"]["percent"], d["done"]["fraction"], d["done"]["percent"]]
        for d in summary["by_dimension"]
    ]  # fmt: skip
    assert _rows(document.tables[1]) == expected
    texts = paragraphs(document)
    lead_in = texts.index(next(t for t in texts if t.startswith("Kết quả theo chỉ số nội dung")))
    assert "có thể góp vào nhiều chỉ số nội dung" in texts[lead_in]


def test_results_by_content_group_with_full_names_and_evidence(app):
    document = open_report(app)
    texts = paragraphs(document)
    joined = "\n".join(texts)
    assert "2.1. Công tác thông tin tuyên truyền" in texts
    assert "Đã và đang triển khai thực hiện 03/05 nhiệm vụ." in texts
    # full activity names, never cut; what each unit did, every round of the year
    assert any(
        t.startswith(
            "- Hoạt động 1.2. Chuyển giao video tuyên truyền các nội dung có liên quan đến Chỉ "
            "số PAPI trên các kênh thông tin đại chúng: Phòng Nội vụ — 6 tháng đầu năm 2023:"
        )
        for t in texts
    )
    assert "…" not in joined.replace("số …/BC", "").replace("Nguyên nhân: …", "")
    assert "«" not in joined and "»" not in joined
    # Phòng Tư pháp's first-half articles stay in the year's report (lũy kế)
    assert "Đăng 18 tin bài phổ biến pháp luật" in joined
    assert "Đăng 21 tin bài phổ biến pháp luật" in joined
    # the conference held on 10/5 and accepted in June counts and is told
    assert "Hoàn thành ngày 10/5/2023 (Kế hoạch số 63/KH-UBND ngày 11/4/2023" in joined
    assert "Quyết định số 1520/QĐ-UBND ngày 15/9/2023" in joined
    # communes summarised; each line starts with a capital
    assert "07/10 xã, phường (Phường 1, Phường 2, Phường Khánh Hòa" in joined
    assert "Xã Lai Hòa: Tuyên truyền 02 buổi." in joined
    assert "Vĩnh Hải: Tuyên truyền 02 buổi" not in joined  # submitted only: not reported upward
    assert all(t[:1] == t[:1].upper() for t in texts if t)
    assert "Chưa có kết quả thực hiện: các hoạt động 3.1, 3.2." in texts


def test_what_stays_internal(app):
    joined = "\n".join(paragraphs(open_report(app)))
    for internal in (
        "chấp nhận",  # what Phòng Nội vụ accepted
        "Cách tính",  # the counting rule
        "chưa báo cáo",  # the chase list
        "Các cơ quan khác thực hiện tự kiểm tra",  # a vague unit
    ):
        assert internal not in joined, internal


def test_assessment_and_directions(app):
    document = open_report(app)
    texts = paragraphs(document)
    note = next(p for p in document.paragraphs if p.text.startswith("(Phần dự thảo"))
    assert note.runs[0]._r.xpath("./w:rPr/w:highlight")  # marked for the officer to edit
    assert (
        "- Hoạt động 1.5 mới triển khai ở 07/10 xã, phường (Phường 1, Phường 2, Phường Khánh "
        "Hòa, Phường Vĩnh Phước, xã Hòa Đông, xã Lạc Hòa, xã Lai Hòa)." in texts
    )
    assert (
        "- Hoạt động 6.4 (Phòng Tài chính – Kế hoạch) không thực hiện; lý do: Năm 2023 không "
        "phát sinh nguồn đóng góp tự nguyện để kiểm tra." in texts
    )
    assert any(t.startswith("- Còn 15/23 nhiệm vụ chưa có kết quả thực hiện (các hoạt động 1.4,")
               for t in texts)  # fmt: skip
    directions = texts[texts.index("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI") + 1 :]
    assert directions[0].startswith("1. Tiếp tục triển khai các nhiệm vụ thực hiện thường xuyên")
    assert any(
        "xây dựng kế hoạch cải thiện, nâng cao Chỉ số PAPI năm 2024" in t for t in directions
    )


def test_signature_with_the_signer(app):
    from tracker.extensions import db
    from tracker.services.plans import find_plan

    document = open_report(app)
    signature = document.tables[2]
    left, right = signature.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:"
    run = left.paragraphs[0].runs[0]
    assert run.bold and run.italic and run.font.size.pt == 12
    assert all(r.font.size.pt == 11 for p in left.paragraphs[1:] for r in p.runs)
    assert [p.text for p in left.paragraphs[1:]] == [
        "- Như trên;",
        "- TT. HĐND thị xã;",
        "- CT, các PCT UBND thị xã;",
        "- Phòng Nội vụ;",
        "- Lưu: VT, NC.",
    ]
    lines = [p.text for p in right.paragraphs if p.text]
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "……………………………"]
    with app.app_context():
        plan = find_plan("63/KH-UBND")
        plan.signer_name, plan.signer_role = "Nguyễn Thanh Liêm", "chairman"
        db.session.commit()
    right = open_report(app).tables[2].rows[0].cells[1]
    assert [p.text for p in right.paragraphs if p.text] == [
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Thanh Liêm",
    ]
    assert right.paragraphs[-1].runs[0].bold


def test_annex_lists_every_activity_with_its_status(app, summary):
    document = open_report(app)
    texts = paragraphs(document)
    assert "PHỤ LỤC" in texts
    blank = "\u00a0" * 6
    assert (
        f"(Kèm theo Báo cáo số …/BC-UBND ngày {blank}/12/2023 của Ủy ban nhân dân thị xã Vĩnh Châu)"
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
    assert by_number["6.3."][6] == "Đã hoàn thành"
    assert by_number["6.4."][6] == "Không thực hiện"
    assert "Năm 2023 không phát sinh" in by_number["6.4."][7]
    assert by_number["1.5."][6].startswith("Triển khai một phần\n07/10 xã, phường (Phường 1")
    assert "Báo cáo số 412/BC-UBND ngày 20/11/2023" in by_number["6.3."][8]
    # lũy kế: both rounds of Phòng Tư pháp's work, each named by its period
    assert by_number["1.3."][7].startswith("6 tháng đầu năm 2023: Đăng 18 tin bài")
    # merged STT cells: the group label once per group, as the annex gives it
    assert annex._tbl.xpath(".//w:vMerge")
    statuses = [r[6].split("\n")[0] for r in activities]
    assert (
        statuses.count("Đã hoàn thành") == summary["summary"]["counts"]["done_on_time"]["numerator"]
    )


def test_difficulties_and_proposals_come_from_the_rounds_reports(app):
    year_report_says(
        app,
        difficulties="Thiếu kinh phí in tài liệu.",
        proposals="đề nghị Sở Nội vụ cấp thêm tài liệu.",
    )
    texts = paragraphs(open_report(app))
    assert "- Khó khăn, vướng mắc các cơ quan, đơn vị nêu: Thiếu kinh phí in tài liệu." in texts
    assert "- Đề nghị Sở Nội vụ cấp thêm tài liệu." in texts
    assert texts.index("- Đề nghị Sở Nội vụ cấp thêm tài liệu.") > texts.index(
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
    assert "- Như trên;" not in "\n".join(c.text for c in Document(str(out)).tables[2]._cells)
