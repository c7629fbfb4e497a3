"""The search page on the province-scale database (bench/dataset.py make_province: 11
districts × 5 yearly plans of 100 activities, ~150,000 assignments, ~600,000 reports).

Three readers, as the page scopes them: Phòng Nội vụ of one district (its ~55,000
reports), a commune's focal officer (the district's annex, the commune's own reports)
and a leader attached to no unit (province staff: every district). Each asks for words
most reports hold, words few hold, and words none holds (every row read, none shown).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from bench.common import Row, page_row, signed_in
from tracker.extensions import db
from tracker.models import Locality, Unit
from tracker.services.accounts import create_user

LIMIT_MS = 300
PASSWORD = "matkhau-bench"
# Many hits (a word of most results), a few (a file name and a cited number), none.
QUERIES = (
    ("many hits", "tuyen truyen"),
    ("few hits", "bien ban 41"),
    ("no hit", "khong co tu nay"),
)


def make_readers(app: Flask, district: str = "Huyện 6") -> list[tuple[str, str]]:
    """(label, username) of the three readers, made in `district`."""
    with app.app_context():
        locality = db.session.scalar(select(Locality).where(Locality.name == f"huyện {district}"))
        assert locality is not None, district
        units = {
            u.name: u
            for u in db.session.scalars(select(Unit).where(Unit.locality_id == locality.id))
        }
        readers = [
            ("Phòng Nội vụ of a district", "bench.noivu", "coordinator", "Phòng Nội vụ huyện"),
            ("a commune's officer", "bench.xa", "officer", f"xã {district} 3"),
            ("a leader of the province", "bench.tinh", "leader", None),
        ]
        for _label, username, role, unit_name in readers:
            reader = create_user(
                username=username,
                full_name=username,
                role=role,
                unit=units[unit_name] if unit_name else None,
                password=PASSWORD,
                by=None,
            )
            reader.must_change_password = False  # readers in daily use
        db.session.commit()
    return [(label, username) for label, username, _role, _unit in readers]


def search_rows(app: Flask, runs: int) -> list[Row]:
    rows = []
    for label, username in make_readers(app):
        client = signed_in(app, username, PASSWORD)
        for what, query in QUERIES:
            rows.append(
                page_row(
                    client,
                    f"Search, province: {label}, {what}",
                    f"/search?q={query.replace(' ', '+')}",
                    LIMIT_MS,
                    None,
                    runs,
                )
            )
    return rows
