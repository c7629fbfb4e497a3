"""The Word report rendered by LibreOffice headless to PDF, then to PNG with pdftoppm,
into test-artifacts/ so the layout can be looked at; its text is checked as a reader
of the PDF would see it."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import ROOT
from tests.exporters.conftest import generate, year_report_says
from tracker.exporters.pdf import docx_to_pdf

ARTIFACTS = ROOT / "test-artifacts"


def pdf_text(pdf: bytes, tmp_path, page: int | None = None) -> str:
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", "-layout", *pages, str(source), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def test_report_renders_with_libreoffice(app, summary, tmp_path):
    """Rendered as a reader gets it: sections I–IV, the period in the trích yếu, page
    numbers from page 2, every activity's name whole. The PNGs are in test-artifacts/."""
    assert shutil.which("soffice") and shutil.which("pdftoppm"), "python3 dev.py test installs them"
    # a unit proposes something, so section IV is there
    year_report_says(app, proposals="Đề nghị Sở Nội vụ tổ chức tập huấn về Chỉ số PAPI cho cấp xã.")
    pdf = generate(app, "pdf")
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("bao-cao-2023-12-15*"):
        old.unlink()
    (ARTIFACTS / "bao-cao-2023-12-15.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(ARTIFACTS / "bao-cao-2023-12-15.pdf"),
         str(ARTIFACTS / "bao-cao-2023-12-15")],
        check=True,
    )  # fmt: skip
    pages = sorted(ARTIFACTS.glob("bao-cao-2023-12-15-*.png"))
    assert len(pages) >= 4
    first = pdf_text(pdf, tmp_path, page=1)
    for text in (
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: …/BC-UBND",
        "tháng 12 năm 2023",
        "BÁO CÁO",
        "Kính gửi: Ủy ban nhân dân tỉnh Sóc Trăng (qua Sở Nội vụ).",
    ):
        assert text in first, text
    # header columns side by side: the issuing body and the national title on one line
    line = next(t for t in first.splitlines() if "ỦY BAN NHÂN DÂN" in t)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line
    words = " ".join(first.split())
    assert "(PAPI) thị xã Vĩnh Châu năm 2023" in words  # the trích yếu names the period
    assert words.split()[0] != "1"  # no page number on page 1
    whole = " ".join(pdf_text(pdf, tmp_path).split())
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. ĐÁNH GIÁ CHUNG",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert heading in whole, heading
    assert " ".join(summary["summary"]["text"][1:].split()) in whole
    assert "PHỤ LỤC" in whole and "PHÓ CHỦ TỊCH" in whole
    body_pages = _body_pages(pdf, tmp_path)
    assert body_pages >= 3
    for page in range(2, body_pages + 1):  # "2", "3" … top centre
        assert pdf_text(pdf, tmp_path, page=page).split()[0] == str(page), page
    _every_activity_is_whole(app, whole)


def _body_pages(pdf: bytes, tmp_path) -> int:
    """Pages before the annex (whose first page is titled "TÌNH HÌNH THỰC HIỆN…")."""
    page = 1
    while "TÌNH HÌNH THỰC HIỆN CÁC HOẠT ĐỘNG" not in pdf_text(pdf, tmp_path, page=page + 1):
        page += 1
    return page


def _every_activity_is_whole(app, text: str) -> None:
    """Every activity of section I is named in full, never cut mid-word with "…"."""
    from tracker.extensions import db
    from tracker.models import Activity

    with app.app_context():
        reported = ("1.1", "1.2", "1.3", "1.5", "6.1", "6.3", "6.4", "6.6")
        for activity in db.session.query(Activity).filter(Activity.number.in_(reported)):
            name = " ".join(f"Hoạt động {activity.number}. {activity.text}".rstrip(".").split())
            assert name in text, name
    assert "…)" not in text and "… (" not in text


def test_concurrent_conversions_do_not_collide(app):
    docx = generate(app, "docx")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(docx_to_pdf, [docx, docx]))
    assert all(r.startswith(b"%PDF") for r in results)
