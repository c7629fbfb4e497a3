"""The one commit point of a request's work (issue 18).

Services flush; the view commits once, here. A form's work runs in `with saving(...)`:
when the block ends the transaction is committed; when a service refuses — one of the
errors the view names, whose message is written for the person — the work is rolled
back, the message is shown, and nothing is stored. Any other error rolls back too and
goes on to the error page.

    with saving(activity_service.EditError) as saved:
        changed = activity_service.update(activity, ..., user=g.user)
    if saved:
        flash("Đã lưu thay đổi.", "success")
        return redirect(...)
    return render_template(...)  # the form again, with the refusal above it
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash

from tracker.extensions import db


class Saved:
    """Whether the block's work was committed (true) or refused (false)."""

    def __init__(self) -> None:
        self.done = False
        self.error: Exception | None = None  # the refusal
        self.refusal = ""  # its message

    def __bool__(self) -> bool:
        return self.done


@contextmanager
def saving(*refused: type[Exception], show: bool = True) -> Iterator[Saved]:
    """Commit the block's work, or roll it back and flash the message of a `refused`
    error (`show=False`: the caller says it, from `Saved.refusal`)."""
    saved = Saved()
    try:
        yield saved
    except refused as exc:
        db.session.rollback()
        saved.error, saved.refusal = exc, str(exc)
        if show:
            flash(saved.refusal, "error")
        return
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    saved.done = True
