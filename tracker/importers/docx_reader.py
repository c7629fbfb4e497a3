"""Word .docx: tables and paragraphs from word/document.xml, parsed with defusedxml.

Merged cells come out as the grid shows them: a horizontally merged cell gives its text
once and "" for the grid columns it spans; a vertically merged continuation gives "".
Several paragraphs in a cell are joined with newlines; list paragraphs get "- ". A cell
whose text is all italic is wrapped in <i>…</i> so the parser can spot heading rows.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from tracker.importers.safety import BadFile, Limits, open_zip, read_member

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHAT = "Word"


def parse_xml(data: bytes, what: str) -> Element:
    try:
        root: Element = fromstring(data, forbid_dtd=True)
        return root
    except DefusedXmlException as exc:
        raise BadFile(
            f"Tệp {what} chứa khai báo thực thể XML không được phép (có thể là tệp độc hại); "
            "hệ thống từ chối đọc."
        ) from exc
    except (ParseError, ValueError) as exc:
        raise BadFile(f"Tệp {what} bị hỏng: nội dung XML không đọc được.") from exc


def read_docx(data: bytes, limits: Limits) -> tuple[list[list[list[str]]], list[str]]:
    archive = open_zip(data, limits, WHAT)
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        raise BadFile("Tệp không phải văn bản Word (.docx) hợp lệ.")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise BadFile("Tệp Word có chứa macro; hãy lưu lại dưới dạng .docx thường rồi tải lên.")
    body = parse_xml(read_member(archive, "word/document.xml", limits, WHAT), WHAT).find(f"{W}body")
    if body is None:
        raise BadFile("Tệp Word không có nội dung.")
    tables: list[list[list[str]]] = []
    paragraphs: list[str] = []
    for child in body:
        if child.tag == f"{W}p":
            text = _paragraph_text(child)
            if text:
                paragraphs.append(text)
        elif child.tag == f"{W}tbl":
            tables.append(_table(child, limits))
    return tables, paragraphs


def _table(tbl: Element, limits: Limits) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in tbl.iter(f"{W}tr"):
        if _parent_table(tbl, tr) is not tbl:
            continue  # rows of a nested table are read as text of their cell
        row: list[str] = []
        for tc in tr.findall(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span, continued = 1, False
            if props is not None:
                grid = props.find(f"{W}gridSpan")
                if grid is not None:
                    span = max(1, min(int(grid.get(f"{W}val", "1") or 1), 64))
                merge = props.find(f"{W}vMerge")
                continued = merge is not None and merge.get(f"{W}val", "continue") != "restart"
            text = "" if continued else _cell_text(tc)[: limits.max_cell_chars]
            row.append(text)
            row.extend([""] * (span - 1))
        rows.append(row)
        if len(rows) > limits.max_rows:
            raise BadFile(
                f"Bảng có hơn {limits.max_rows:,} dòng; hãy tách phụ lục thành nhiều tệp."
            )
    return rows


def _parent_table(root: Element, tr: Element) -> Element | None:
    """The nearest table containing `tr` (ElementTree has no parent links)."""
    for table in root.iter(f"{W}tbl"):
        if tr in list(table):
            return table
    return None


def _cell_text(tc: Element) -> str:
    lines = []
    italic_runs = all_runs = 0
    for p in tc.iter(f"{W}p"):
        text = _paragraph_text(p)
        if not text:
            continue
        lines.append(text)
        for run in p.iter(f"{W}r"):
            if "".join(t.text or "" for t in run.iter(f"{W}t")).strip():
                all_runs += 1
                italic_runs += _is_italic(run, p)
    text = "\n".join(lines)
    if text and all_runs and italic_runs == all_runs:
        return f"<i>{text}</i>"
    return text


def _is_italic(run: Element, paragraph: Element) -> bool:
    for props in (run.find(f"{W}rPr"), paragraph.find(f"{W}pPr/{W}rPr")):
        if props is not None:
            flag = props.find(f"{W}i")
            if flag is not None:
                return flag.get(f"{W}val", "true") not in ("0", "false")
    return False


def _paragraph_text(p: Element) -> str:
    parts = []
    for node in p.iter():
        if node.tag == f"{W}t" and node.text:
            parts.append(node.text)
        elif node.tag in (f"{W}tab",):
            parts.append(" ")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    text = "".join(parts).strip()
    if text and p.find(f"{W}pPr/{W}numPr") is not None:
        text = "- " + text
    return text
