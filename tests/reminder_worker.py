"""Ticks run in other processes by the fault tests: a scheduler of its own, on the same
database (its URL: a SQLite file or a PostgreSQL database) and mail server, with the clock
frozen at the given moment."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


def tick(instance: str, database: str, smtp_port: int, moment: str, times: int = 1) -> None:
    from tests.conftest import _config
    from tracker import clock, create_app
    from tracker.services.reminders import outbox

    clock.frozen = datetime.fromisoformat(moment)
    app = create_app(
        {
            **_config(Path(instance), database),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp_port,
            "BASE_URL": "https://papi.vinhchau.test",
        }
    )
    with app.app_context():
        for n in range(times):
            outbox.tick(f"worker-{n}", clock.frozen)
