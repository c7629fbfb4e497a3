"""`/healthz` for load balancers: no sign-in, no audit, logged at debug level only."""

from __future__ import annotations

import logging

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger("tracker.health")


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        # The error's text may name the database's host or file: it goes to the log only.
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        return {"status": "error", "database": "unreachable"}, 503
    finally:
        db.session.rollback()  # nothing is kept: the connection goes back to the pool clean
    return {"status": "ok", "database": "ok"}
