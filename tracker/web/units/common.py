"""The units area's blueprint: the catalogue and each unit (views), the catalogue from
an Excel sheet (sheet)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("units", __name__)
