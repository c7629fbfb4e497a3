"""The one commit point of a request's work (tracker/web/saving.py), on a real database:
what the block wrote is kept when it ends, and nothing of it when a service refuses or
anything else fails."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Unit
from tracker.web.saving import saving


class Refused(Exception):
    pass


def _rename(name: str) -> None:
    unit = db.session.scalar(select(Unit).order_by(Unit.id))
    unit.short_name = name
    db.session.flush()


def _stored() -> str:
    db.session.expire_all()
    return db.session.scalar(select(Unit.short_name).order_by(Unit.id)) or ""


def test_the_work_is_committed_when_the_block_ends(app):
    with app.test_request_context("/"):
        with saving(Refused) as saved:
            _rename("Đã lưu")
        assert saved and saved.refusal == ""
        db.session.remove()
        assert _stored() == "Đã lưu"


def test_a_refusal_keeps_nothing_and_shows_its_message(app):
    with app.test_request_context("/"):
        before = _stored()
        with saving(Refused) as saved:
            _rename("Không được lưu")
            raise Refused("Đơn vị này không sửa được.")
        assert not saved and isinstance(saved.error, Refused)
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Đơn vị này không sửa được.")
        ]
        db.session.remove()
        assert _stored() == before


def test_a_refusal_the_view_words_itself_is_not_shown(app):
    with app.test_request_context("/"):
        with saving(Refused, show=False) as saved:
            raise Refused("lý do")
        assert saved.refusal == "lý do" and get_flashed_messages() == []


def test_any_other_error_keeps_nothing_and_goes_on(app):
    with app.test_request_context("/"):
        before = _stored()
        with pytest.raises(ZeroDivisionError), saving(Refused):
            _rename("Không được lưu")
            _ = 1 / 0
        db.session.remove()
        assert _stored() == before
