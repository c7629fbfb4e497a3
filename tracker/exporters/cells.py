"""Cell text made safe for spreadsheets (CSV and XLSX alike)."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Cell text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value
