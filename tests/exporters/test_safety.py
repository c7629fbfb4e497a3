"""Formula text neutralised in XLSX and CSV; one consistent read; bad input refused in
Vietnamese with nothing changed; who may export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, insert, select, update
from sqlalchemy.pool import NullPool

from tests.conftest import make_user
from tests.exporters.conftest import export_request, generate
from tracker.extensions import db
from tracker.models import Change, ProgressReport, ReportEvent
from tracker.services.exports import figures as export_figures
from tracker.services.exports import report as exports

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _set_results(app, texts):
    """Put hostile text in the results of accepted reports (as if units had typed it)."""
    with app.app_context():
        reports = db.session.scalars(
            select(ProgressReport)
            .where(ProgressReport.state == "accepted")
            .order_by(ProgressReport.id.desc())
        ).all()
        for report, text in zip(reports, texts, strict=False):
            report.result = text
        db.session.commit()


def test_formulas_are_neutralised(app):
    _set_results(app, HOSTILE)
    rows = list(csv.reader(io.StringIO(generate(app, "csv").decode("utf-8-sig"), newline="")))
    results = [r[13] for r in rows[1:] if r[13]]
    for text in HOSTILE:
        assert "'" + text in results
    assert not any(r.startswith(("=", "+", "-", "@", "\t", "\r")) for r in results)
    book = load_workbook(io.BytesIO(generate(app, "xlsx")))
    cells = [
        c.value for row in book["Phụ lục"].iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells)
    assert all(c.data_type != "f" for row in book["Phụ lục"].iter_rows() for c in row)


def test_an_export_never_mixes_two_moments(app, monkeypatch):
    """A report accepted by another connection while the export is being read is in
    neither the figures nor the reports: the whole export is one snapshot."""
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    with app.app_context():
        pending = db.session.scalar(
            select(ProgressReport.id).where(ProgressReport.state == "submitted")
        )
    original = export_figures.accepted_reports

    def accept_meanwhile(*args, **kwargs):
        with other.begin() as connection:  # another connection, committed at once
            connection.execute(
                insert(ReportEvent).values(
                    report_id=pending,
                    plan_id=1,
                    at=datetime(2023, 12, 14, 3, tzinfo=UTC),
                    state="accepted",
                    status="in_progress",
                )
            )
            connection.execute(
                update(ProgressReport).where(ProgressReport.id == pending).values(state="accepted")
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(exports, "accepted_reports", accept_meanwhile)
    with app.app_context():
        data = exports.build_report_data(export_request())
    assert pending not in {r.id for r in data.reports}
    assert _communes_on_1_5(data).startswith("07/10 xã, phường")
    monkeypatch.setattr(exports, "accepted_reports", original)
    with app.app_context():  # a fresh export sees it
        later = exports.build_report_data(export_request())
    assert pending in {r.id for r in later.reports}
    assert _communes_on_1_5(later).startswith("08/10 xã, phường")  # xã Vĩnh Hải's report
    other.dispose()


def _communes_on_1_5(data) -> str:
    return next(a for a in data.figures_json["activities"] if a["number"] == "1.5")["progress"]


def _state(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Change)),
            db.session.scalar(select(func.count()).select_from(ReportEvent)),
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "99/KH-UBND"], "Không tìm thấy kế hoạch «99/KH-UBND»."),
        (["--plan", "1", "--period", "2031-H1"], "Kế hoạch không có kỳ báo cáo «2031-H1»."),
        (["--plan", "1", "--as-of", "15/12/2023"], "Ngày «15/12/2023» không hợp lệ"),
        (["--plan", "1", "--as-of", "2023-02-30"], "Ngày «2023-02-30» không hợp lệ"),
    ],
)
def test_bad_input_is_refused_in_vietnamese(app, tmp_path, args, message):
    before = _state(app)
    out = tmp_path / "out.docx"
    result = app.test_cli_runner().invoke(args=["export", "docx", *args, "-o", str(out)])
    assert result.exit_code == 1
    assert message in result.output
    assert not out.exists() and _state(app) == before


def test_unknown_format(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["export", "odt", "--plan", "1", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 1 and "Không có định dạng «odt»" in result.output


def test_cli_writes_each_format(app, tmp_path):
    for code in ("docx", "xlsx", "csv", "form", "snapshot"):
        out = tmp_path / f"out.{code}"
        result = app.test_cli_runner().invoke(
            args=["export", code, "--plan", "63/KH-UBND", "--as-of", "2023-12-15", "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0 and "Đã xuất" in result.output


def test_export_page_and_downloads(app, client, auth, frozen):
    frozen(datetime(2023, 12, 20, 3, tzinfo=UTC))
    auth.login()
    page = client.get("/plans/1/exports?period=2023-Y&as_of=2023-12-15")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Đã và đang triển khai thực hiện được 07/23 nhiệm vụ, đạt 30,43% kế hoạch" in html
    assert "/plans/1/exports/download?" in html
    nav = client.get("/plans/1").get_data(as_text=True)
    assert "Xuất báo cáo" in nav
    response = client.get("/plans/1/exports/download?format=docx&period=2023-Y&as_of=2023-12-15")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "bao-cao-63-KH-UBND-2023-12-15.docx" in response.headers["Content-Disposition"]
    response = client.get("/plans/1/exports/download?format=csv&as_of=2023-12-15")
    assert response.data.startswith(b"\xef\xbb\xbf")
    bad = client.get("/plans/1/exports?as_of=hôm-nay")
    assert bad.status_code == 400 and "không hợp lệ" in bad.get_data(as_text=True)


def test_pdf_link_says_when_libreoffice_is_missing(app, client, auth, monkeypatch):
    from tracker.exporters import pdf
    from tracker.web.exports import views

    monkeypatch.setattr(views, "soffice", lambda: None)
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    auth.login()
    html = client.get("/plans/1/exports?as_of=2023-12-15").get_data(as_text=True)
    # The command is for the technical staff, in the README; the page says whom to ask.
    assert "máy chủ chưa cài LibreOffice" in html and "bộ phận kỹ thuật" in html
    assert "apt-get" not in html
    response = client.get(
        "/plans/1/exports/download?format=pdf&as_of=2023-12-15", follow_redirects=True
    )
    assert "Máy chủ chưa cài LibreOffice" in response.get_data(as_text=True)


def test_units_cannot_export(app, client):
    make_user(app, "phuong1", "Phường 1")
    client.post("/login", data={"username": "phuong1", "password": "matkhau-phuong1"})
    assert client.get("/plans/1/exports").status_code == 403
    assert client.get("/plans/1/exports/download?format=csv").status_code == 403
    assert client.get("/province").status_code == 403
    assert "Xuất báo cáo" not in client.get("/plans/1").get_data(as_text=True)


def test_the_page_numbers_the_report_and_names_the_recipient(app, client, auth):
    import io

    from docx import Document

    auth.login()
    html = client.get("/plans/1/exports?as_of=2023-12-15&number=125&to=Thường trực Thị ủy")
    html = html.get_data(as_text=True)
    assert 'value="125"' in html and 'value="Thường trực Thị ủy"' in html
    link = "/plans/1/exports/download?format=docx&as_of=2023-12-15&number=125&to=Thường trực Thị ủy"
    document = Document(io.BytesIO(client.get(link).data))
    header = [c.text for row in document.tables[0].rows for c in row.cells]
    assert any("Số: 125/BC-UBND" in text for text in header)
    paragraphs = [p.text for p in document.paragraphs]
    assert "Kính gửi: Thường trực Thị ủy." in paragraphs
    # Left empty: no "Kính gửi" line at all.
    bare = client.get("/plans/1/exports/download?format=docx&as_of=2023-12-15&to=")
    assert not any(
        p.text.startswith("Kính gửi") for p in Document(io.BytesIO(bare.data)).paragraphs
    )
