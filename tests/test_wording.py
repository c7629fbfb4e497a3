"""No organisation's name is hard-coded in what people read (issue 16): a page, a message,
an e-mail, a feed or an export says the coordinating office of the locality it is about
(services.wording), never a fixed "Phòng Nội vụ", and names places by the locality's
own words, never a fixed "thị xã".

Read: every template, and every string in the Python package except docstrings (comments
are not strings). Allowed: the seeds (not scanned), the rule that names each level's
usual office (domain.offices), the words the unit-name matcher reads in annexes, and a
help page line that names the office as one example among several."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

FIXED = re.compile(r"(?i)phòng nội vụ|thị xã")
# (file, the string itself): data, not wording.
ALLOWED_STRINGS = {
    ("tracker/domain/offices.py", "Phòng Nội vụ"),  # the usual office of a district
    ("tracker/domain/text.py", "thị xã"),  # "tx" → "thị xã" when matching unit names
    ("tracker/domain/unit_short_names.py", "thị xã"),  # a level word inside unit names
    ("tracker/domain/places.py", "thị xã"),  # a level word taken off a place's name
}
# A help line may name Phòng Nội vụ beside the other levels' offices.
OTHER_LEVELS = ("Sở Nội vụ", "Văn phòng HĐND và UBND")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def fixed_strings(path: Path) -> list[tuple[int, str]]:
    """(line, string) of each string in `path` that hard-codes an office or a level word."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and FIXED.search(node.value)
    ]


def fixed_template_lines(path: Path) -> list[tuple[int, str]]:
    relative = path.relative_to(ROOT / "templates")
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not FIXED.search(line):
            continue
        if relative.parts[0] == "help" and all(name in line for name in OTHER_LEVELS):
            continue
        found.append((number, line.strip()[:120]))
    return found


def test_no_python_string_hard_codes_an_office_or_a_level():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:80]!r}"
        for path in sorted((ROOT / "tracker").rglob("*.py"))
        for line, text in fixed_strings(path)
        if (str(path.relative_to(ROOT)), text) not in ALLOWED_STRINGS
    ]
    assert found == []


def test_no_template_hard_codes_an_office_or_a_level():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.is_file()
        for line, text in fixed_template_lines(path)
    ]
    assert found == []


def test_the_scan_finds_what_it_is_meant_to(tmp_path):
    """The checks above would see a fixed name come back, and spare docstrings."""
    module = tmp_path / "example.py"
    module.write_text(
        '"""Phòng Nội vụ reviews."""\n\n'
        "def f(x):\n"
        '    """Sent to Phòng Nội vụ."""\n'
        '    return f"Gửi Phòng Nội vụ {x}", "UBND thị xã"\n',
        encoding="utf-8",
    )
    assert [line for line, _ in fixed_strings(module)] == [5, 5]
    page = ROOT / "templates" / "help" / "coordinator.html"
    assert fixed_template_lines(page) == []  # its line naming every level is allowed


def test_a_locality_added_on_the_command_line_names_its_office(app):
    """`locality add --office`: the name pages use, the office's unit and its account."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Locality, Unit, User

    made = app.test_cli_runner().invoke(
        args=["locality", "add", "--level", "commune", "--name", "xã Hòa Tú",
              "--province", "tỉnh Cà Mau", "--office", " Văn phòng  UBND xã ",
              "--coordinator", "vanphong"]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    with app.app_context():
        commune = db.session.scalar(select(Locality).where(Locality.name == "xã Hòa Tú"))
        assert commune.office_name == "Văn phòng UBND xã"
        user = db.session.scalar(select(User).where(User.username == "vanphong"))
        assert user.full_name == "Văn phòng UBND xã Hòa Tú"
        assert db.session.get(Unit, user.unit_id).name == "Văn phòng UBND xã"
    listed = app.test_cli_runner().invoke(args=["locality", "list"])
    assert "xã Hòa Tú (Cấp xã) · Văn phòng UBND xã" in listed.output
