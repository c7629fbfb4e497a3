"""The Word report rendered by LibreOffice headless to PDF, then to PNG with pdftoppm,
into test-artifacts/ so the layout can be looked at; its text is checked as a reader
of the PDF would see it."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import ROOT
from tests.exporters.conftest import generate
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
    assert shutil.which("soffice") and shutil.which("pdftoppm"), "python3 dev.py test installs them"
    pdf = generate(app, "pdf")
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
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
        "Vĩnh Châu, ngày 15 tháng 12 năm 2023",
        "BÁO CÁO",
        "Kính gửi: Sở Nội vụ tỉnh Sóc Trăng.",
    ):
        assert text in first, text
    # header columns side by side: the issuing body and the national title on one line
    line = next(t for t in first.splitlines() if "ỦY BAN NHÂN DÂN" in t)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line
    whole = " ".join(pdf_text(pdf, tmp_path).split())
    assert " ".join(summary["summary"]["breakdown"].split()) in whole
    assert "PHỤ LỤC" in whole and "PHÓ CHỦ TỊCH" in whole


def test_concurrent_conversions_do_not_collide(app):
    docx = generate(app, "docx")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(docx_to_pdf, [docx, docx]))
    assert all(r.startswith(b"%PDF") for r in results)
