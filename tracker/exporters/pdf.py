"""The Word report as PDF, converted by LibreOffice headless.

Each conversion gets its own LibreOffice profile (-env:UserInstallation) in its own
temporary folder: two conversions sharing a profile block or fail on its lock. The
process runs in its own session and is killed with its children past the timeout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tracker.exporters.data import ReportData
from tracker.exporters.report_docx import generate_docx

TIMEOUT_S = 120


class ConversionError(RuntimeError):
    """The PDF could not be made; the message is for the user."""


class LibreOfficeMissing(ConversionError):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def generate_pdf(data: ReportData) -> bytes:
    return docx_to_pdf(generate_docx(data))


def docx_to_pdf(docx: bytes, timeout: float = TIMEOUT_S) -> bytes:
    program = soffice()
    if program is None:
        raise LibreOfficeMissing(
            "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF: nhờ bộ phận kỹ thuật cài "
            "đặt; trong lúc chờ, tải bản Word."
        )
    with tempfile.TemporaryDirectory(prefix="papi-pdf-") as folder:
        work = Path(folder)
        source = work / "bao-cao.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        _run(command, timeout, work)
        target = work / "out" / "bao-cao.pdf"
        if not target.exists():
            raise ConversionError("LibreOffice không tạo được tệp PDF từ báo cáo.")
        return target.read_bytes()


def _run(command: list[str], timeout: float, home: Path) -> None:
    env = {**os.environ, "HOME": str(home)}  # LibreOffice writes caches under $HOME
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ConversionError(
            f"LibreOffice chuyển sang PDF quá {int(timeout)} giây; đã dừng."
        ) from None
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip()[-300:]
        raise ConversionError(f"LibreOffice báo lỗi khi chuyển sang PDF: {detail}")
