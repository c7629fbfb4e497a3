"""Fixtures: a fresh app on a temporary SQLite file for every test.

The schema comes from the real Alembic migrations, run once per session into a template
database (one plain, one with `seeds/` loaded); each test gets its own copy of it.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from tracker import create_app
from tracker.extensions import db

ROOT = Path(__file__).resolve().parents[1]
SEED_ANNEX = ROOT / "seeds" / "vinh-chau" / "plan-2023-annex.txt"
COORDINATOR = ("noivu", "noivu2023")


def _config(instance: Path) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_DIR": instance,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'tracker.sqlite3'}",
        "SECRET_KEY": "test",
        "ATTACHMENTS_DIR": instance.parent / "attachments",
        # Forms are posted directly in client tests; CSRF is checked in test_security.py
        # and by the browser tests, which run with it on.
        "WTF_CSRF_ENABLED": False,
    }


def _template(tmp_path_factory, name: str, seeded: bool, demo: bool = False) -> Path:
    instance = tmp_path_factory.mktemp(name)
    app = create_app(_config(instance))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if seeded:
            from tracker.services.seeding import load_seeds

            load_seeds(demo=demo)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return instance / "tracker.sqlite3"


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    return _template(tmp_path_factory, "empty-template", seeded=False)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    return _template(tmp_path_factory, "seeded-template", seeded=True)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    return _template(tmp_path_factory, "demo-template", seeded=True, demo=True)


def _make_app(tmp_path: Path, template: Path, **settings):
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(template, instance / "tracker.sqlite3")
    app = create_app({**_config(instance), **settings})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path, seeded_db):
    """An app with the Vĩnh Châu seeds (units, dimensions, plan 63/KH-UBND, coordinator)."""
    yield from _make_app(tmp_path, seeded_db)


@pytest.fixture
def demo_app(tmp_path, demo_db):
    """The seeded app with the 2023 demo progress."""
    yield from _make_app(tmp_path, demo_db)


@pytest.fixture
def mail_server():
    """A real SMTP server (aiosmtpd) on a loopback port."""
    from tests.mail_server import MailServer

    with MailServer() as server:
        yield server


@pytest.fixture
def mail_app(tmp_path, seeded_db, mail_server):
    """The seeded app sending e-mail to `mail_server`."""
    yield from _make_app(
        tmp_path,
        seeded_db,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=mail_server.port,
        BASE_URL="https://papi.vinhchau.test",
    )


@pytest.fixture
def empty_app(tmp_path, empty_db):
    yield from _make_app(tmp_path, empty_db)


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


def make_user(app, username: str, unit_name: str | None, role: str = "officer") -> None:
    """An account for tests, with password "matkhau-" + username."""
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
        db.session.commit()


@pytest.fixture
def live_server(tmp_path, seeded_db):
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(seeded_db, instance / "tracker.sqlite3")
    app = create_app({**_config(instance), "WTF_CSRF_ENABLED": True, "TESTING": False})
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
