"""`python3 dev.py bench --http`: the page rows through a real gunicorn on loopback
instead of the Flask test client — the same rows, the same table, plus what a request
costs on the wire (the WSGI server, the socket, a new connection for each request as
gunicorn's sync workers close it).

One server per database, started when the bench first signs in to it and stopped at
the end of the section; its workers run wsgi.py as production does (gc.freeze, CSRF on:
load.Client signs in with the form's token). A cache the bench empties in its own
process (the figures, the feeds' bodies) is out of reach there: over HTTP "after a
change" writes a change as the app does (a Change row of the plan), which every worker
sees.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

from flask import Flask

from bench.load import Client, Gunicorn
from tracker.extensions import db
from tracker.models import Change

WORKERS = 1  # `--workers`: one keeps the bench's warm-up call warming the worker it times
_SERVERS: dict[str, Gunicorn] = {}


@dataclass
class Response:
    """What the bench reads of a Flask test response, from an HTTP one."""

    status_code: int
    data: bytes
    headers: Message = field(default_factory=Message)

    def get_data(self) -> bytes:
        return self.data


class HttpPages:
    """A browser over HTTP with the Flask test client's `get(path, headers=...)`;
    signed in when given a `Client`, anonymous (calendar feeds) otherwise."""

    def __init__(self, app: Flask, base: str, client: Client | None = None) -> None:
        self.app, self.base = app, base
        self.opener = client.opener if client else urllib.request.build_opener()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.opener.open(request, timeout=120) as answer:
                return Response(answer.status, answer.read(), answer.headers)
        except urllib.error.HTTPError as exc:  # a 304, or a redirect the opener keeps
            return Response(exc.code, exc.read(), exc.headers)


def server(app: Flask) -> Gunicorn:
    """The gunicorn serving `app`'s database, started on first use."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in _SERVERS:
        instance = Path(app.config["INSTANCE_DIR"])
        with app.app_context():  # the bench's connections closed: the workers open theirs
            db.session.remove()
            db.engine.dispose()
        gunicorn = Gunicorn(instance, workers=WORKERS, DATABASE_URL=url)
        _SERVERS[url] = gunicorn.__enter__()
    return _SERVERS[url]


def signed_in(app: Flask, username: str, password: str) -> HttpPages:
    base = server(app).base
    return HttpPages(app, base, Client(base, username, password))


def anonymous(app: Flask) -> HttpPages:
    return HttpPages(app, server(app).base)


def stop_servers() -> None:
    while _SERVERS:
        _SERVERS.popitem()[1].__exit__()


def record_change(app: Flask, plan_id: int | None) -> None:
    """A change to the plan's data as every write records one, outside the timed
    request: the servers' remembered figures and feed bodies no longer match it."""
    with app.app_context():
        change = Change(actor="bench", plan_id=plan_id, entity="plan", action="update")
        db.session.add(change)
        db.session.commit()
