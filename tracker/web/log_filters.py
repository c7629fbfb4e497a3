"""Calendar links are secrets in the URL path; request logs must not keep them.

werkzeug's development server logs every request line ("GET /cal/<token>.ics HTTP/1.1"),
Flask logs the path of a request that failed, gunicorn's access log the path too. A
filter on those loggers rewrites any /cal/… path before a handler sees the record.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

FEED_PATH = re.compile(r"/cal/[^\s\"'?#]*")
MASK = "/cal/[đã ẩn].ics"
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class MaskFeedTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/cal/" in message:
            record.msg, record.args = FEED_PATH.sub(MASK, message), ()
        return True


def install(app: Flask) -> None:
    for logger in (app.logger, *(logging.getLogger(name) for name in LOGGERS)):
        if not any(isinstance(f, MaskFeedTokens) for f in logger.filters):
            logger.addFilter(MaskFeedTokens())
