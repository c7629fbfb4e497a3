"""The coordinating office a request speaks of (services.wording), for templates as
`office` and for views' messages as `office()`: the locality of the first object the
route names (a plan, a report, an activity: services.tenancy.locality_of), else the
signed-in person's, else the instance's only one. Worked out once per request."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from tracker.domain.offices import NEUTRAL_OFFICE
from tracker.extensions import db
from tracker.services import tenancy, wording


def office() -> str:
    if not has_request_context():
        return wording.office()
    if "office" not in g:
        # The locality is kept with its words: a page that shows it (a plan's) then finds
        # it loaded, as the session keeps an object only while something refers to it.
        g.office_locality = wording.locality_for(user=g.get("user"), **_named())
        g.office = wording.office_of(g.office_locality)
    return g.office


def _named() -> dict[str, Any]:
    for argument, value in (request.view_args or {}).items():
        locality_id = tenancy.locality_of(argument, value)
        if locality_id is not None:
            return {"locality_id": locality_id}
    return {}


def context() -> dict[str, Any]:
    """For every template; a template's own `office` (an e-mail's) wins. An error page
    shown because the database is down gets the neutral words."""
    try:
        return {"office": office()}
    except SQLAlchemyError:
        db.session.rollback()  # the failed transaction ends; the error page goes on
        return {"office": NEUTRAL_OFFICE}


class OfficeLabels:
    """A form mixin: labels and help texts that say "{office}" name the request's office
    ("Ý kiến của {office}" → "Ý kiến của Sở Nội vụ")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self:  # type: ignore[attr-defined]
            field.label.text = field.label.text.replace("{office}", office())
            field.description = field.description.replace("{office}", office())
