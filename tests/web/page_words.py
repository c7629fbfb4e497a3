"""What no page may show a person: an internal id, a word from the code, a developer
command. `findings(html)` reads a page as a person does — its visible text, plus the
titles, labels and placeholders a pointer or a screen reader shows — and returns what
it should not say. File names a user uploaded (plan-2023-annex.txt) are left out: they
are the user's words, not ours.

Meant to grow into a check of every page (tests/web/test_page_words.py is the first)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Activity, ProgressReport, Unit

# Attributes whose text a person reads (tooltips, screen readers, empty fields, buttons).
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

# The code's names for its rows and states, and programming words, as whole words.
CODE_WORDS = (
    "report",
    "reports",
    "assignment",
    "assignments",
    "activity",
    "activities",
    "group",
    "unit",
    "units",
    "user",
    "period",
    "calendar",
    "plan",
    "create",
    "update",
    "delete",
    "move",
    "draft",
    "submitted",
    "accepted",
    "returned",
    "pending",
    "failed",
    "skipped",
    "ok",
    "none",
    "null",
    "true",
    "false",
    "json",
    "id",
)

PATTERNS: dict[str, re.Pattern[str]] = {
    # "Hoạt động 13", "hoạt động #13": a database id where a number label belongs (an
    # annex's numbers have a dot: 1.5, 5.2, or none at all).
    "số hiệu nội bộ của hoạt động": re.compile(r"(?i)\bhoạt động #?\d+\b(?![.,]\d)"),
    "số hiệu nội bộ": re.compile(r"#\d+\b|\(mã \d+\)|(?i:\bkế hoạch \d+\b(?!/))"),
    # As the code writes them (lower case; Python's None, True, False): "Google Calendar"
    # and an "OK" button of another app are names a person knows, not our code.
    "từ tiếng Anh trong mã": re.compile(
        r"(?<![\w/.-])(" + "|".join(CODE_WORDS) + r"|None|True|False|JSON)(?![\w/.-])"
    ),
    "lệnh dành cho kỹ thuật": re.compile(
        r"flask --app|\bwsgi\b|TRACKER_[A-Z_]+|apt-get|pip install|python3? "
    ),
}

FILE_NAME = re.compile(r"\S+\.(?:txt|docx?|xlsx?|csv|pdf|ics|sqlite3?|png|jpe?g)\b", re.I)
ADDRESS = re.compile(r"\b(?:https?|webcal)://\S+")


class _Reader(HTMLParser):
    SKIPPED = ("script", "style", "template")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        values = dict(attrs)
        self.parts.extend(str(values[a]) for a in READ_ATTRIBUTES if values.get(a))
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.parts.append(str(values.get("value") or ""))
        self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def readable_text(html: str) -> str:
    """The page's words as a person meets them, one element's text per line."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return "".join(reader.parts)


def findings(html: str) -> list[str]:
    """ "<what>: «<the words around it>»" for each thing the page should not say."""
    found = []
    for line in readable_text(html).splitlines():
        line = ADDRESS.sub(" ", FILE_NAME.sub(" ", line)).strip()
        for what, pattern in PATTERNS.items():
            for match in pattern.finditer(line):
                start = max(0, match.start() - 30)
                found.append(f"{what}: «{line[start : match.end() + 30]}»")
    return found


# Every main page, as Phòng Nội vụ opens it (ids filled in by `main_pages`).
MAIN_PAGES = {
    "plans": "/plans",
    "overview": "/plans/1",
    "dashboard": "/plans/1/dashboard?as_of=2023-12-20",
    "annex": "/plans/1/annex",
    "activity": "/activities/{activity}",
    "work": "/work?plan=1&unit={unit}",
    "reviews": "/plans/1/reviews",
    "report": "/reports/{report}",
    "periods": "/plans/1/periods",
    "history": "/plans/1/history",
    "audit": "/audit",
    "users": "/users",
    "calendar": "/calendar",
    "inbox": "/inbox",
    "reminders": "/reminders",
    "reminder rules": "/plans/1/reminders",
    "working days": "/working-days",
    "exports": "/plans/1/exports?as_of=2023-12-20",
    "province": "/province",
    "units": "/units",
    "overdue": "/plans/1/overdue?as_of=2024-03-01",
}


def main_pages(app) -> dict[str, str]:
    """name → path of every main page, ids taken from the app's database (the seeded plan)."""
    with app.app_context():
        activity = db.session.scalar(select(Activity.id).where(Activity.number == "1.5"))
        unit = db.session.scalar(select(Unit.id).where(Unit.name == "Phòng Nội vụ"))
        report = db.session.scalar(select(ProgressReport.id).order_by(ProgressReport.id))
    ids = {"activity": activity, "unit": unit, "report": report}
    return {name: path.format(**ids) for name, path in MAIN_PAGES.items()}
