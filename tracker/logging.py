"""Logs: one line per request on the `tracker.request` logger, as JSON or as readable
text (TRACKER_LOG_FORMAT), with every path masked so no secret reaches a log file.

Feed and unsubscribe links carry their secret in the path, and staged uploads are named
by a long hash; so whatever follows /cal/ or /unsubscribe/, and any segment holding more
than 32 URL-safe base64 characters, is written "…", and query strings are dropped. Form
bodies, cookies and headers are never logged. The same mask is applied to Werkzeug's own
access log (the development server), gunicorn's logs and Flask's "Exception on /path".
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request

MASK = "…"
REQUEST_LOGGER = "tracker.request"
HEALTH_ENDPOINT = "health.healthz"
FORMATS = ("text", "json")
# Fields a request line carries besides the message (JSON keys).
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id", "remote_addr")

_SECRET_PARENTS = frozenset({"cal", "unsubscribe"})
_TOKENISH = re.compile(r"[A-Za-z0-9_-]{33,}")
# A path or URL inside a log message; not the "24/Nov/2026" of Werkzeug's date stamp.
_HEALTH_LINE = re.compile(r" /healthz[ ?]")
_PATH_IN_TEXT = re.compile(r"""(?<![\w/.:%-])(?:https?://[^/\s"'<>]+)?/[^\s"'<>\x1b]*""")


def mask_path(path: str) -> str:
    """The path as it may be logged: no query string, secret-looking segments as "…"."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    segments, hide = [], False
    for segment in path.split("/"):
        secret = (hide and segment != "") or bool(_TOKENISH.search(segment))
        segments.append(MASK if secret else segment)
        hide = hide or segment in _SECRET_PARENTS
    return "/".join(segments)


def mask_text(message: str) -> str:
    """Every path or URL inside a free-text message, masked by `mask_path`."""
    return _PATH_IN_TEXT.sub(lambda m: mask_path(m.group(0)), message)


class MaskPaths(logging.Filter):
    """Rewrites a record's message with its paths masked; drops health-check lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.name == "werkzeug" and _HEALTH_LINE.search(message):
            return False  # load balancers poll it; their lines are noise
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def _utc_stamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return _utc_stamp(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": _utc_stamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test may have replaced it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def configure_logging(app: Flask) -> None:
    fmt = app.config["LOG_FORMAT"]
    if fmt not in FORMATS:
        raise ValueError(f"TRACKER_LOG_FORMAT must be one of {FORMATS}, not {fmt!r}")
    # "tracker" is also Flask's app.logger: with a handler here Flask adds none of its own.
    logger = logging.getLogger("tracker")
    for old in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(old)  # create_app may run again in one process (tests)
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    for name in ("tracker", "werkzeug", "gunicorn.access", "gunicorn.error"):
        named = logging.getLogger(name)
        if not any(isinstance(f, MaskPaths) for f in named.filters):
            named.addFilter(MaskPaths())
    app.before_request(_start_timer)
    app.after_request(_log_request)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.pop("request_started", None)
    fields = {
        "method": request.method,
        "path": mask_path(request.path),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user_id": g.get("user_id"),
        "remote_addr": request.remote_addr or "",
    }
    if request.endpoint == HEALTH_ENDPOINT:
        level = logging.DEBUG
    else:
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
    logging.getLogger(REQUEST_LOGGER).log(
        level,
        "%s %s %s %s ms user=%s addr=%s",
        *(fields[name] if fields[name] is not None else "-" for name in REQUEST_FIELDS),
        extra=fields,
    )
    return response
