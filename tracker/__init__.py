"""PAPI Tracker: the application factory."""

from __future__ import annotations

import gc
from datetime import timedelta
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="static")
    app.config.from_object("config.Config")
    if overrides:
        app.config.update(overrides)
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    if not app.config["SECRET_KEY"]:
        from tracker.secret_key import instance_key

        app.config["SECRET_KEY"] = instance_key(app.config["INSTANCE_DIR"])
    if app.config["TRUSTED_PROXIES"] > 0:
        # Only then is X-Forwarded-For believed: the last N addresses are the proxies'.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])

    from tracker import database
    from tracker.extensions import csrf, db, migrate
    from tracker.logging import configure_logging

    configure_logging(app)  # first, so every request is timed, even one CSRF refuses

    options = database.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLITE_BUSY_TIMEOUT"]
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT"])

    from tracker import cli, web

    web.init_app(app)
    cli.init_app(app)
    return app


# A young generation this large is collected about once a request rather than fifty
# times: a province dashboard builds ~100,000 small tuples, nearly all freed by reference
# counting, and each young collection also walks what the request holds (measured: ~10
# ms of a 70 ms page). Cycles are still collected, a few MB of them at most.
GC_THRESHOLDS = (50_000, 20, 20)


def settle_worker() -> None:
    """What a web worker does once the app is made: what start-up made lives as long as
    the process, so it leaves the cyclic collector's scans (a full collection of the
    whole application paused the dashboard 100 ms), and young objects are collected in
    larger batches (GC_THRESHOLDS)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
