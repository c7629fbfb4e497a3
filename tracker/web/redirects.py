"""Where a `next` parameter may send someone after signing in or reading a notice: a
path of this site, nothing else. Browsers drop tabs and line breaks from a Location and
read a backslash as a slash, so "/\\t/evil.example" and "/\\evil.example" are
"//evil.example", another site; those characters are removed before the checks, and
anything that is not then a plain same-site path gives the default page."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    if not target:
        return default
    cleaned = "".join(
        ch for ch in target if not ch.isspace() and unicodedata.category(ch)[0] != "C"
    )
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return default
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return default
    return cleaned
