"""Snapshots other districts sent to the province (issue 7): read-only copies of their
figures, one per district × plan × "as of" date, for the combined province view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import now_utc
from tracker.extensions import db
from tracker.models.types import UTCDateTime


class ProvinceSnapshot(db.Model):
    """One imported snapshot file; importing the same district, plan and date replaces it."""

    __table_args__ = (UniqueConstraint("district", "plan_number", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(String(200))  # "thị xã Vĩnh Châu"
    province: Mapped[str] = mapped_column(String(100))
    issuing_body: Mapped[str] = mapped_column(String(200))
    plan_number: Mapped[str] = mapped_column(String(50))
    plan_title: Mapped[str] = mapped_column(Text)
    plan_year: Mapped[int]
    as_of: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(Text)
    headline: Mapped[str] = mapped_column(Text)
    tracker_version: Mapped[str] = mapped_column(String(40))
    # The figures JSON the file carries (services.figures.as_json).
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    rows: Mapped[list[ProvinceFigure]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="ProvinceFigure.id"
    )


class ProvinceFigure(db.Model):
    """A row of the file's `figures` table: what the combined totals are summed from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("province_snapshot.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(20))  # plan, dimension, group, unit, form
    key: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(40))  # an outcome, "done", "carried_out"
    numerator: Mapped[int]
    denominator: Mapped[int]

    snapshot: Mapped[ProvinceSnapshot] = relationship(back_populates="rows")
