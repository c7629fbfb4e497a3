"""Golden file for the stable parts of the Word report (header, title, section headings,
signature block, annex title and header row), generated with a fixed stamp and date.
After an intended change: UPDATE_GOLDEN=1 python3 dev.py test tests/exporters/test_golden.py"""

from __future__ import annotations

import io
import os
import re

from docx import Document

from tests.conftest import ROOT
from tests.exporters.conftest import generate

GOLDEN = ROOT / "tests" / "golden" / "report_docx_fixed_parts.txt"
HEADING = re.compile(r"^([IVX]+\.|\d+\.) [^:]{3,90}$")


def fixed_parts(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    lines = ["# header"]
    for row in document.tables[0].rows:
        lines += [" | ".join(" / ".join(p.text for p in c.paragraphs if p.text) for c in row.cells)]
    lines.append("# title and headings")
    for p in document.paragraphs:
        bold = bool(p.runs) and all(r.bold for r in p.runs if r.text)
        if p.text and (
            bold
            and (HEADING.match(p.text) or p.text.isupper())
            or p.text.startswith(("Kính gửi", "(Kèm theo"))
        ):
            lines.append(p.text)
    lines.append("# signature")
    for cell in document.tables[-2].rows[0].cells:  # the last table is the annex
        lines += [p.text for p in cell.paragraphs if p.text]
    lines.append("# annex header")
    lines.append(" | ".join(c.text for c in document.tables[-1].rows[0].cells))
    props = document.core_properties
    lines.append(f"# stamp {props.created.isoformat()} {props.author}")
    return "\n".join(lines) + "\n"


def test_fixed_parts_match_the_golden_file(app):
    found = fixed_parts(generate(app, "docx"))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(found, encoding="utf-8")
    assert found == GOLDEN.read_text(encoding="utf-8")
