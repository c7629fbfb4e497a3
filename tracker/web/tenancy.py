"""The tenancy rule (services.tenancy) on every route that takes an object's id, in one
place: an object of a locality the person may not read is not there (404, as for an id
that does not exist, so ids of other localities cannot be probed); one they may read but
not change refuses every write (403)."""

from __future__ import annotations

from flask import abort, g, request

from tracker.services import tenancy

READS = frozenset({"GET", "HEAD", "OPTIONS"})


def guard() -> None:
    user = g.get("user")
    if user is None or not request.view_args or tenancy.home(user) is None:
        return
    for argument, value in request.view_args.items():
        locality_id = tenancy.locality_of(argument, value)
        if locality_id is None:
            continue
        if not tenancy.may_read(user, locality_id):
            abort(404)
        if request.method not in READS and not tenancy.may_change(user, locality_id):
            abort(403)
