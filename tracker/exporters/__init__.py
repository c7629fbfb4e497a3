"""File generators: `generate_<format>(...) -> bytes`, no Flask.

The registry maps each export format to its generator, MIME type and file extension;
every generator takes the one `ReportData` a service read in a single transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tracker.exporters.annex_xlsx import generate_annex_xlsx
from tracker.exporters.cells import FORMULA_START, neutralise
from tracker.exporters.csv_export import generate_assignments_csv, generate_form_csv
from tracker.exporters.data import ReportData
from tracker.exporters.pdf import generate_pdf
from tracker.exporters.report_docx import generate_docx
from tracker.exporters.snapshot import generate_snapshot

__all__ = ["EXPORTS", "FORMULA_START", "ExportFormat", "neutralise"]


@dataclass(frozen=True)
class ExportFormat:
    code: str
    label: str  # what the export page calls it
    mime: str
    extension: str
    generate: Callable[[ReportData], bytes]

    def filename(self, data: ReportData) -> str:
        """ASCII, so every browser and mail client keeps it: bao-cao-63-KH-UBND-2023-12-15.docx."""
        number = "".join(c if c.isascii() and c.isalnum() else "-" for c in data.plan_number)
        stem = {"form": "bieu-mau-1", "csv": "phan-cong", "snapshot": "ban-chup"}.get(
            self.code, "bao-cao" if self.code in ("docx", "pdf") else "phu-luc"
        )
        return (
            f"{stem}-{number.strip('-') or data.plan_id}-{data.as_of.isoformat()}.{self.extension}"
        )


EXPORTS: dict[str, ExportFormat] = {
    f.code: f
    for f in (
        ExportFormat(
            "docx",
            "Báo cáo (Word)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            generate_docx,
        ),
        ExportFormat("pdf", "Báo cáo (PDF)", "application/pdf", "pdf", generate_pdf),
        ExportFormat(
            "xlsx",
            "Phụ lục và số liệu (Excel)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            generate_annex_xlsx,
        ),
        ExportFormat(
            "csv", "Phân công và tình trạng (CSV)", "text/csv", "csv", generate_assignments_csv
        ),
        ExportFormat("form", "Biểu mẫu 1 (CSV)", "text/csv", "csv", generate_form_csv),
        ExportFormat(
            "snapshot",
            "Bản chụp dữ liệu (SQLite)",
            "application/vnd.sqlite3",
            "sqlite",
            generate_snapshot,
        ),
    )
}
