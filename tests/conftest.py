"""Fixtures: a fresh app on a fresh database for every test.

The schema comes from the real Alembic migrations, run once per session into a template
database (one plain, one with `seeds/` loaded, one with the demo progress too); each test
gets its own copy of it. On SQLite (the default) a template is a file and a copy is a file
copy. With TRACKER_TEST_DATABASE_URL set to a PostgreSQL database whose role may create
databases (`python3 dev.py test` starts a private server for its second run), templates
are databases and each test gets `CREATE DATABASE test_<n> TEMPLATE <template>`.
"""

from __future__ import annotations

import itertools
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade
from hypothesis import settings
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

from config import database_url
from tracker import create_app
from tracker.extensions import db

# Property tests check what is true, never how fast: on a loaded machine a case may take
# longer than hypothesis's default deadline of 200 ms (speed lives in bench/).
settings.register_profile("tracker", deadline=None)
settings.load_profile("tracker")

ROOT = Path(__file__).resolve().parents[1]
SEED_ANNEX = ROOT / "seeds" / "vinh-chau" / "plan-2023-annex.txt"
COORDINATOR = ("noivu", "noivu2023")

TEST_DATABASE_URL = database_url(os.environ.get("TRACKER_TEST_DATABASE_URL", ""))
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def sqlite_only(why: str) -> pytest.MarkDecorator:
    """Skip on PostgreSQL a test of something only SQLite has (`why` says what)."""
    return pytest.mark.skipif(ON_POSTGRES, reason=f"SQLite only: {why}")


def _config(instance: Path, database: str | None = None) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_DIR": instance,
        "SQLALCHEMY_DATABASE_URI": database or f"sqlite:///{instance / 'tracker.sqlite3'}",
        "SECRET_KEY": "test",
        "ATTACHMENTS_DIR": instance.parent / "attachments",
        # Forms are posted directly in client tests; CSRF is checked in
        # tests/test_project.py (test_state_changing_requests_need_csrf)
        # and by the browser tests, which run with it on.
        "WTF_CSRF_ENABLED": False,
    }


@dataclass(frozen=True)
class Template:
    """A database the migrations (and seeds) built once for the session."""

    url: str


class PostgresServer:
    """Creates and drops databases through the maintenance database of the test URL."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.numbers = itertools.count(1)

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        self.drop(name)
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
        return self.url_of(name)

    def drop(self, name: str) -> None:
        """Drop `name`, ending first the connections a test left open (a killed worker's, a
        server thread's). Only our own: the server stops its autovacuum there by itself,
        and ending that one (or DROP … WITH (FORCE)) would need pg_signal_backend."""
        with self.engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND usename = current_user"
                    " AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def postgres():
    """This run's PostgreSQL server (None on SQLite): makes and drops test databases."""
    if not ON_POSTGRES:
        yield None
        return
    server = PostgresServer(TEST_DATABASE_URL)
    yield server
    server.engine.dispose()


def copy_database(template: Template, instance: Path, postgres: PostgresServer | None) -> str:
    """A fresh copy of `template` for one test; its URL."""
    if postgres is None:
        target = instance / "tracker.sqlite3"
        shutil.copyfile(make_url(template.url).database, target)
        return f"sqlite:///{target}"
    source = make_url(template.url).database
    return postgres.create(f"test_{next(postgres.numbers)}", template=source)


def drop_database(url: str, postgres: PostgresServer | None) -> None:
    if postgres is not None:
        postgres.drop(make_url(url).database)


def _template(
    tmp_path_factory, postgres, name: str, seeded: bool, demo: bool = False, province=False
):
    instance = tmp_path_factory.mktemp(name)
    url = postgres.create(f"template_{name}") if postgres else None
    app = create_app(_config(instance, url))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if seeded:
            from tracker.services.seeding import load_seeds

            load_seeds(demo=demo)
            if province:  # `seed`, then `seed --demo province`
                load_seeds(sample="province")
            password_chosen(COORDINATOR[0])
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    yield Template(app.config["SQLALCHEMY_DATABASE_URI"])
    if postgres:
        postgres.drop(f"template_{name}")


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory, postgres) -> Template:
    yield from _template(tmp_path_factory, postgres, "empty", seeded=False)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory, postgres) -> Template:
    yield from _template(tmp_path_factory, postgres, "seeded", seeded=True)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, postgres) -> Template:
    yield from _template(tmp_path_factory, postgres, "demo", seeded=True, demo=True)


@pytest.fixture(scope="session")
def province_db(tmp_path_factory, postgres) -> Template:
    yield from _template(tmp_path_factory, postgres, "province", seeded=True, province=True)


@pytest.fixture
def fresh_database(tmp_path, postgres):
    """`fresh_database(template)` → (instance folder, URL of a copy just for this test);
    called again, another folder and copy."""
    made: list[str] = []

    def make(template: Template) -> tuple[Path, str]:
        instance = tmp_path / ("instance" if not made else f"instance-{len(made) + 1}")
        instance.mkdir()
        made.append(copy_database(template, instance, postgres))
        return instance, made[-1]

    yield make
    for url in made:
        drop_database(url, postgres)


def _make_app(fresh_database, template: Template, **settings):
    instance, url = fresh_database(template)
    app = create_app({**_config(instance, url), **settings})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(fresh_database, seeded_db):
    """An app with the Vĩnh Châu seeds (units, dimensions, plan 63/KH-UBND, coordinator)."""
    yield from _make_app(fresh_database, seeded_db)


@pytest.fixture
def demo_app(fresh_database, demo_db):
    """The seeded app with the 2023 demo progress."""
    yield from _make_app(fresh_database, demo_db)


@pytest.fixture
def province_app(fresh_database, province_db):
    """The Vĩnh Châu seeds and the demo province (`seed --demo province`)."""
    yield from _make_app(fresh_database, province_db)


@pytest.fixture
def mail_server():
    """A real SMTP server (aiosmtpd) on a loopback port."""
    from tests.mail_server import MailServer

    with MailServer() as server:
        yield server


@pytest.fixture
def mail_app(fresh_database, seeded_db, mail_server):
    """The seeded app sending e-mail to `mail_server`."""
    yield from _make_app(
        fresh_database,
        seeded_db,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=mail_server.port,
        BASE_URL="https://papi.vinhchau.test",
    )


@pytest.fixture
def empty_app(fresh_database, empty_db):
    yield from _make_app(fresh_database, empty_db)


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username: str = COORDINATOR[0], password: str = COORDINATOR[1]):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the app's clock: `frozen(datetime(2023, 5, 2, 3, tzinfo=UTC))`."""
    from tracker import clock

    def freeze(moment):
        monkeypatch.setattr(clock, "frozen", moment)

    return freeze


def password_chosen(username: str) -> None:
    """The account has signed in once and chosen its own password (the one it has, here),
    as every account in daily use has. Signing in the first time is tested on its own."""
    from sqlalchemy import select

    from tracker.models import User
    from tracker.services.accounts import change_password

    user = db.session.scalar(select(User).where(User.username == username))
    change_password(user, user.password_hash)


def make_user(
    app, username: str, unit_name: str | None, role: str = "officer", first_sign_in: bool = False
) -> None:
    """An account for tests, with password "matkhau-" + username, created as Phòng Nội vụ
    creates one; unless `first_sign_in`, its owner has since chosen that password."""
    from sqlalchemy import select

    from tracker.models import Unit
    from tracker.services.accounts import create_user

    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == unit_name)) if unit_name else None
        create_user(
            username=username,
            full_name=f"Cán bộ {unit_name or username}",
            role=role,
            unit=unit,
            password=f"matkhau-{username}",
            by=None,
        )
        if not first_sign_in:
            password_chosen(username)
        db.session.commit()


@pytest.fixture
def live_server(fresh_database, seeded_db):
    yield from _live(fresh_database, seeded_db)


@pytest.fixture
def demo_live_server(fresh_database, demo_db):
    """A live server over the seeded plan with its 2023 demo progress."""
    yield from _live(fresh_database, demo_db)


def _live(fresh_database, template: Template, **settings):
    instance, url = fresh_database(template)
    app = create_app(
        {**_config(instance, url), "WTF_CSRF_ENABLED": True, "TESTING": False, **settings}
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(5)
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def audit_events(app, action: str | None = None) -> list[dict]:
    """The audit log as plain dicts, oldest first (optionally one action only)."""
    from sqlalchemy import select

    from tracker.models import AuditEvent

    with app.app_context():
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return [
            {c.name: getattr(e, c.name) for c in AuditEvent.__table__.columns}
            for e in db.session.scalars(stmt)
        ]
