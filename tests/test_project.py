"""Project-level checks: layering, documentation, migrations, CSRF."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from config import database_url
from tests.conftest import ROOT, _config
from tracker import create_app
from tracker.extensions import db

FORBIDDEN_IN_DOMAIN = (
    "flask",
    "sqlalchemy",
    "flask_sqlalchemy",
    "werkzeug",
    "tracker.models",
    "tracker.services",
    "tracker.web",
)


def test_domain_is_pure():
    for path in (ROOT / "tracker" / "domain").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN_IN_DOMAIN), f"{path.name} imports {name}"


# The layers, bottom up: a module imports its own package, the layers below it and the
# base modules — never upward (the README's layout section draws the same picture).
LAYER = {"domain": 0, "models": 1, "exporters": 1, "importers": 1, "services": 2}
LAYER |= {"web": 3, "scheduler": 3, "cli": 3, "__init__": 4}  # __init__: create_app
BASE = {"clock", "extensions", "database", "logging", "secret_key"}  # used by every layer
# The pages list the scheduler's last runs, and the jobs command runs the scheduler.
SIDEWAYS = {("web", "scheduler"), ("cli", "scheduler")}


def _tracker_imports(path: Path, root: Path = ROOT) -> list[str]:
    """The parts of `tracker` (a package, a base module, or __init__ for what the
    package itself defines) that `path` imports, anywhere in it."""
    package = path.relative_to(root).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level]) if node.level else ""
            module = ".".join(x for x in (base, node.module or "") if x)
            names = [f"{module}.{a.name}" for a in node.names] if module == "tracker" else [module]
        else:
            continue
        for name in names:
            if name.startswith("tracker."):
                part = name.split(".")[1]
                known = (root / "tracker" / part).is_dir() or part in LAYER or part in BASE
                found.append(part if known else "__init__")
    return found


def _upward_imports(root: Path = ROOT) -> list[str]:
    wrong = []
    for path in sorted((root / "tracker").rglob("*.py")):
        source = path.relative_to(root / "tracker").parts[0].removesuffix(".py")
        for target in _tracker_imports(path, root):
            if source in BASE:
                allowed = target in BASE or target == "domain"
            else:
                allowed = (
                    target == source
                    or (target in BASE and source != "domain")
                    or LAYER.get(target, 99) < LAYER[source]
                    or (source, target) in SIDEWAYS
                )
            if not allowed:
                wrong.append(f"{path.relative_to(root)} imports tracker.{target}")
    return wrong


def test_no_module_imports_upward():
    assert _upward_imports() == []


def test_the_import_check_sees_every_form_of_import(tmp_path):
    """Absolute, relative, from the package itself, inside a function."""
    services = tmp_path / "tracker" / "services"
    services.mkdir(parents=True)
    (tmp_path / "tracker" / "web").mkdir()
    (services / "x.py").write_text(
        "from tracker import create_app\n"
        "from tracker.services import y\n"
        "from . import y\n"
        "def f():\n    from ..web import auth\n    import tracker.cli.backup\n"
    )
    assert _upward_imports(tmp_path) == [
        "tracker/services/x.py imports tracker.__init__",
        "tracker/services/x.py imports tracker.web",
        "tracker/services/x.py imports tracker.cli",
    ]


def test_readme_documents_every_setting_and_command(app):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    config = (ROOT / "config.py").read_text(encoding="utf-8")
    for name in re.findall(r'_env\(\s*"([A-Z_]+)"', config):
        assert name in readme, f"README does not document {name}"
    for name in app.cli.list_commands(app.app_context()):
        if name in ("routes", "shell", "run", "db"):
            continue
        assert f"flask --app wsgi {name}" in readme, f"README does not document `{name}`"


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_migrations_go_down_to_nothing_and_up_again(empty_app):
    """`flask db downgrade base` then `upgrade head`, on the database kind of this run."""
    runner = empty_app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    with empty_app.app_context():
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()
    up = runner.invoke(args=["db", "upgrade", "head"])
    assert up.exit_code == 0, up.output
    with empty_app.app_context(), db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []


# The last revision a released version ran (issue 14); what came after must go up and
# down over a database in use, not only an empty one.
LAST_RELEASED = "6e3b9f2c4a71"


def test_new_migrations_go_down_and_up_over_data(demo_app):
    """Over the demo plan with its accounts, reports and events: a batch copy of a table
    others point at ("user", "plan") trips their foreign keys on SQLite, so the newer
    migrations must change such tables in place."""
    from sqlalchemy import func, select

    from tracker.models import ProgressReport, User

    def counts():
        with demo_app.app_context():
            counted = (
                db.session.scalar(select(func.count()).select_from(User)),
                db.session.scalar(select(func.count()).select_from(ProgressReport)),
            )
            db.session.remove()
            db.engine.dispose()
            return counted

    before = counts()
    runner = demo_app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", LAST_RELEASED])
    assert down.exit_code == 0, (down.output, down.exception)
    up = runner.invoke(args=["db", "upgrade", "head"])
    assert up.exit_code == 0, (up.output, up.exception)
    assert counts() == before


def test_localities_in_use_get_their_levels_office(demo_app):
    """locality.office_name (e5a1c7d3b9f4) over rows that exist: each gets its level's
    usual office (domain.offices)."""
    from sqlalchemy import text

    runner = demo_app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "e5a1c7d3b9f4-1"])
    assert down.exit_code == 0, (down.output, down.exception)
    with demo_app.app_context():
        for name, level in (("tỉnh Cà Mau", "province"), ("phường Tân Thành", "commune")):
            db.session.execute(
                text(
                    "INSERT INTO locality (name, place_name, issuing_body, province, level) "
                    "VALUES (:name, '', '', 'tỉnh Cà Mau', :level)"
                ),
                {"name": name, "level": level},
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    up = runner.invoke(args=["db", "upgrade", "head"])
    assert up.exit_code == 0, (up.output, up.exception)
    with demo_app.app_context():
        rows = db.session.execute(text("SELECT name, office_name FROM locality ORDER BY id"))
        assert list(rows) == [
            ("thị xã Vĩnh Châu", "Phòng Nội vụ"),
            ("tỉnh Cà Mau", "Sở Nội vụ"),
            ("phường Tân Thành", "Văn phòng HĐND và UBND"),
        ]
        db.session.remove()
        db.engine.dispose()


def test_migrations_have_one_head():
    versions = ROOT / "migrations" / "versions"
    revisions, downs = set(), set()
    for path in versions.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revisions.add(re.search(r'^revision = ["\']([^"\']+)', text, re.M).group(1))
        down = re.search(r"^down_revision = (.+)$", text, re.M).group(1)
        downs.update(re.findall(r"""["']([^"']+)["']""", down))
    assert len(revisions - downs) == 1


def test_state_changing_requests_need_csrf(fresh_database, seeded_db):
    instance, url = fresh_database(seeded_db)
    app = create_app({**_config(instance, url), "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    response = client.post("/login", data={"username": "noivu", "password": "noivu2023"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_the_readme_layout_names_every_package():
    layout = (ROOT / "README.md").read_text(encoding="utf-8").split("## Layout", 1)[1]
    packages = [
        path.parent.relative_to(ROOT).as_posix()
        for path in (ROOT / "tracker").rglob("__init__.py")
        if path.parent.parent.name != "web"  # one blueprint per area, named as a rule
    ]
    missing = [p for p in packages if p != "tracker" and f"{p}/" not in layout]
    assert not missing, missing


def test_no_file_is_a_giant():
    for path in Path(ROOT / "tracker").rglob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 600, path


# Rules written once (issue 18): a second copy of one of these would be a second place to
# change, and the first sign of two pages disagreeing.
ONE_PLACE = {
    # dates on screens: "08/03/2023" (documents have theirs, by NĐ 30, in domain/documents)
    "tracker/domain/dates.py": re.compile(r"%d/%m|%H:%M|:02d\}/\{"),
    # calendar UIDs: the same event keeps its UID however a feed was built
    "tracker/domain/calendar.py": re.compile(r'f"(assignment-|a\{[^}"]*\}-)|uid=f"|\bself\.uid\b'),
    # which report answers an earlier deadline of several
    "tracker/domain/timeframes.py": re.compile(r"due_on\s*>=\s*(day|item\.due_on)|d >= day"),
    # the history row of a plan or a report: history.plan_changed / report_changed
    "tracker/services/history.py": re.compile(r'entity="(plan|report)"'),
}


# Reading dates (strptime, the patterns a sheet's cell may hold) and machine timestamps
# ("2023-03-08T14:05:00Z" in a backup's manifest) are not dates written for people.
MACHINE_FORMATS = re.compile(r"strptime|for pattern in|%Y-%m-%d")


@pytest.mark.parametrize("home", sorted(ONE_PLACE))
def test_each_rule_is_written_in_one_place(home):
    pattern = ONE_PLACE[home]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "tracker").rglob("*.py"))
        if path != ROOT / home
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not MACHINE_FORMATS.search(line)
    ]
    assert not found, f"written outside {home}:\n" + "\n".join(found)


def test_the_rule_checks_would_see_a_copy():
    copies = {
        "tracker/domain/dates.py": 'f"{day:%d/%m/%Y}"',
        "tracker/domain/calendar.py": 'uid=f"assignment-{row.assignment_id}-deadline@{host}"',
        "tracker/domain/timeframes.py": "if p.due_on >= item.due_on",
        "tracker/services/history.py": 'entity="report",',
    }
    assert copies.keys() == ONE_PLACE.keys()
    for home, line in copies.items():
        assert ONE_PLACE[home].search(line), home


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://papi:pw@db:5432/papi", "postgresql+psycopg://papi:pw@db:5432/papi"),
        ("postgres://papi:pw@db/papi", "postgresql+psycopg://papi:pw@db/papi"),
        ("postgresql+psycopg://papi@db/papi", "postgresql+psycopg://papi@db/papi"),
        ("sqlite:////srv/papi/tracker.sqlite3", "sqlite:////srv/papi/tracker.sqlite3"),
    ],
)
def test_database_urls_are_driven_by_psycopg(given, used):
    assert database_url(given) == used


def test_the_figures_migration_reads_the_history_once(empty_app):
    """Upgrading to the figures revision: deadline moves recorded in the history become
    `deadline_change` rows (the one place their text is read as dates), and plans on
    the old default rule "each" that nobody chose move to "all"."""
    from sqlalchemy import text

    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "downgrade", "5c2e8b1d4f6a"]).exit_code == 0
    with empty_app.app_context():
        _old_history(db.engine)
        db.engine.dispose()
    assert runner.invoke(args=["db", "upgrade", "head"]).exit_code == 0
    with empty_app.app_context():
        with db.engine.connect() as connection:
            moves = connection.execute(
                text("SELECT plan_id, activity_id, due_before, due_after FROM deadline_change")
            ).all()
            rules = dict(connection.execute(text("SELECT id, count_rule FROM plan")).all())
        db.engine.dispose()
    assert [(p, a, str(b), str(c)) for p, a, b, c in moves] == [(1, 7, "2023-12-31", "2023-06-30")]
    assert rules == {1: "each", 2: "all"}  # plan 1's rule was chosen: it stays


def _old_history(engine) -> None:
    """Two plans on the old default rule and a history as the revision before wrote it."""
    from datetime import datetime

    import sqlalchemy as sa
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO locality (id, name, place_name, issuing_body, province) "
                "VALUES (1, 'thị xã X', 'X', 'Ủy ban nhân dân thị xã X', 'tỉnh Y')"
            )
        )
        for plan_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO plan (id, locality_id, number, issuer, year, title, noun, "
                    "count_rule, source_filename, created_at) VALUES (:id, 1, :n, 'UBND', "
                    "2023, 'T', 'nhiệm vụ', 'each', '', '2023-01-01 00:00:00')"
                ),
                {"id": plan_id, "n": f"{plan_id}/KH-UBND"},
            )
        rows = [
            (1, 7, {"Thời hạn": "31/12/2023"}, {"Thời hạn": "30/06/2023"}, ""),
            (1, None, {"Cách tính": "…"}, {"Cách tính": "…"}, "Đổi cách tính số liệu"),
            (2, 9, {"Hoạt động": "a"}, {"Hoạt động": "b"}, ""),
        ]
        change = sa.table(
            "change", *(sa.column(c) for c in ("id", "at", "actor", "plan_id", "activity_id")),
            *(sa.column(c) for c in ("entity", "entity_id", "action", "note")),
            sa.column("before", sa.JSON), sa.column("after", sa.JSON),
        )  # fmt: skip
        connection.execute(
            change.insert(),
            [
                {
                    "id": n,
                    "at": datetime(2023, 5, 2, 3),
                    "actor": "x",
                    "plan_id": plan_id,
                    "activity_id": activity_id,
                    "entity": "activity" if activity_id else "plan",
                    "entity_id": activity_id,
                    "action": "update",
                    "before": before,
                    "after": after,
                    "note": note,
                }
                for n, (plan_id, activity_id, before, after, note) in enumerate(rows, start=1)
            ],
        )


def test_the_frameworks_migration_keeps_every_dimension_and_tag(demo_app):
    """Up to index frameworks (b6d2f8a4c1e7) over the demo plan: PAPI's dimensions keep
    their ids 1–8 (now their numbers too), every activity keeps its tags, every plan
    follows PAPI; PAR INDEX and SIPAS come with the next ids. Down again, a tag of theirs
    goes with them and PAPI's stay."""
    from sqlalchemy import text

    def read(sql: str) -> list:
        with demo_app.app_context():
            with db.engine.connect() as connection:
                found = [tuple(r) for r in connection.execute(text(sql))]
            db.engine.dispose()
        return found

    dimensions = "SELECT id, name, name_en FROM papi_dimension WHERE id <= 8 ORDER BY id"
    tags = "SELECT activity_id, dimension_id FROM activity_dimension ORDER BY 1, 2"
    at_head = read(dimensions), read(tags)
    runner = demo_app.test_cli_runner()
    assert runner.invoke(args=["db", "downgrade", "e5f1a3c7b9d2"]).exit_code == 0
    before = read(dimensions), read(tags)
    assert before == at_head and len(before[0]) == 8 and len(before[1]) > 23
    assert runner.invoke(args=["db", "upgrade", "head"]).exit_code == 0
    assert (read(dimensions), read(tags)) == before
    framed = read(
        "SELECT f.code, d.number, d.id FROM papi_dimension d "
        "JOIN index_framework f ON f.id = d.framework_id ORDER BY d.id"
    )
    assert [(n, i) for code, n, i in framed if code == "PAPI"] == [(i, i) for i in range(1, 9)]
    assert [n for code, n, _ in framed if code == "PAR_INDEX"] == list(range(1, 9))
    assert [n for code, n, _ in framed if code == "SIPAS"] == list(range(1, 6))
    assert [i for *_, i in framed] == list(range(1, 22))
    assert read(
        "SELECT p.id, f.code FROM plan p JOIN plan_framework pf ON pf.plan_id = p.id "
        "JOIN index_framework f ON f.id = pf.framework_id"
    ) == [(1, "PAPI")]
    with demo_app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO activity_dimension VALUES (1, 9)"))
        db.engine.dispose()
    assert runner.invoke(args=["db", "downgrade", "e5f1a3c7b9d2"]).exit_code == 0
    assert (read(dimensions), read(tags)) == before
    assert runner.invoke(args=["db", "upgrade", "head"]).exit_code == 0
