"""The known-device cookie, given at a successful sign-in: a random id for the browser,
signed with the accounts that signed in from it. Failed sign-ins are counted per browser
id (every browser without the cookie shares one count), so strangers' failures never
lock the account's own browser; an account that signed in here before is spared the
looser caps per name and per address (services.accounts). Forging it would take the
secret key; guessing another browser's id, 128 random bits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "papi_device"
MAX_ACCOUNTS = 20  # the last accounts that signed in from this browser
MAX_AGE = 400 * 24 * 3600  # seconds: about a year and a month


@dataclass(frozen=True)
class Device:
    id: str  # "" for a browser without the cookie: all such browsers count as one
    user_ids: tuple[int, ...]

    def knows(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.user_ids


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def this_device() -> Device:
    """The browser's device; Device("", ()) when it has no valid cookie (a browser no
    account ever signed in from, or one that threw its cookies away)."""
    try:
        value = _serializer().loads(request.cookies.get(COOKIE, ""))
        return Device(str(value["id"])[:32], tuple(int(u) for u in value["users"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return Device("", ())


def remember(response: Response, device: Device, user_id: int) -> None:
    """After a sign-in: this browser knows the account from now on."""
    users = (user_id, *(u for u in device.user_ids if u != user_id))[:MAX_ACCOUNTS]
    value = _serializer().dumps({"id": device.id or secrets.token_hex(16), "users": list(users)})
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
