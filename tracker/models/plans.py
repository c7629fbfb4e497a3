"""Plans (kế hoạch), their content groups, activities and assignments — the annex matrix."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import now_utc
from tracker.domain.timeframes import (
    Cadence,
    Timeframe,
    TimeframeKind,
    decode_dates,
    encode_dates,
)
from tracker.extensions import db
from tracker.models.types import UTCDateTime
from tracker.models.units import Locality, Unit

LEAD = "lead"  # đơn vị chủ trì
SUPPORT = "support"  # đơn vị phối hợp
ROLE_LABELS = {LEAD: "Chủ trì", SUPPORT: "Phối hợp"}


class IndexFramework(db.Model):
    """A framework a plan's activities are tagged with (bộ chỉ số, domain.frameworks):
    PAPI, PAR INDEX, SIPAS, or one Phòng Nội vụ added. Instance-wide: every locality
    reads the same frameworks."""

    __tablename__ = "index_framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # "PAPI", "PAR_INDEX"
    name: Mapped[str] = mapped_column(String(200), unique=True)  # "Chỉ số PAPI"
    short_name: Mapped[str] = mapped_column(String(30))  # "PAPI", "PAR INDEX"
    # What its parts are called: "chỉ số nội dung", "lĩnh vực", "yếu tố".
    dimension_noun: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)

    dimensions: Mapped[list[IndexDimension]] = relationship(
        back_populates="framework", order_by="IndexDimension.number"
    )


class IndexDimension(db.Model):
    """A dimension of a framework: PAPI's 8 (chỉ số nội dung), PAR INDEX's fields (lĩnh
    vực), SIPAS's elements (yếu tố). PAPI's ids are their numbers 1–8, as before there
    were frameworks; other ids are given in order (services.frameworks).

    The table keeps its first name, papi_dimension: renaming it would rewrite
    activity_dimension's schema on SQLite and leave constraint names behind on
    PostgreSQL, for no gain in what is stored."""

    __tablename__ = "papi_dimension"
    __table_args__ = (
        Index("ix_papi_dimension_framework_number", "framework_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # Never NULL once migrated; nullable in the schema because SQLite cannot add a NOT NULL
    # column with a REFERENCES clause in place while foreign keys are on, and the table
    # cannot be copied over while activity_dimension points at it.
    framework_id: Mapped[int] = mapped_column(ForeignKey("index_framework.id"), nullable=True)
    number: Mapped[int]  # within its framework: PAPI 1–8
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")

    framework: Mapped[IndexFramework] = relationship(back_populates="dimensions")

    @property
    def label(self) -> str:
        """ "PAPI 5", "PAR INDEX 3": a chip beside an activity."""
        return f"{self.framework.short_name} {self.number}"


activity_dimension = Table(
    "activity_dimension",
    db.metadata,
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    Column("dimension_id", ForeignKey("papi_dimension.id"), primary_key=True),
)

# The frameworks a plan follows (PAPI unless Phòng Nội vụ chooses others).
plan_framework = Table(
    "plan_framework",
    db.metadata,
    Column("plan_id", ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True),
    Column("framework_id", ForeignKey("index_framework.id"), primary_key=True),
)


class Plan(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"), index=True)
    number: Mapped[str] = mapped_column(String(50), default="")  # "63/KH-UBND"
    issued_on: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200))  # "Ủy ban nhân dân thị xã Vĩnh Châu"
    year: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    # The noun the plan's figures use: "chỉ tiêu", "nhiệm vụ", "nội dung", "phần việc".
    noun: Mapped[str] = mapped_column(String(30), default="nhiệm vụ")
    # How an activity with several lead units counts: "all", "any" or "each" (domain.figures).
    count_rule: Mapped[str] = mapped_column(String(10), default="all", server_default="all")
    # For the report upward. What the plan implements, cited in the report's opening
    # ("Đề án số 02/ĐA-UBND ngày 08/8/2022 của …; Kế hoạch số 90/KH-UBND …").
    basis: Mapped[str] = mapped_column(Text, default="", server_default="")
    # "Kính gửi"; empty: "Ủy ban nhân dân <tỉnh> (qua Sở Nội vụ)" (seed 004, V.14).
    recipient: Mapped[str] = mapped_column(String(300), default="", server_default="")
    signer_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # "chairman": TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH; "deputy": … KT. CHỦ TỊCH / PHÓ CHỦ TỊCH.
    signer_role: Mapped[str] = mapped_column(String(20), default="deputy", server_default="deputy")
    source_filename: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # When Phòng Nội vụ archived the plan (lưu trữ); None while it is followed. An
    # archived plan stays readable but leaves the work page, reminders and unit feeds.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A commune's plan that carries out its province's plan (services.cascade).
    parent_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)

    locality: Mapped[Locality] = relationship()
    parent_plan: Mapped[Plan | None] = relationship(remote_side=[id])
    groups: Mapped[list[ContentGroup]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ContentGroup.position"
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Activity.position"
    )
    frameworks: Mapped[list[IndexFramework]] = relationship(
        secondary=plan_framework, order_by="IndexFramework.position"
    )

    @property
    def reference(self) -> str:
        """ "Kế hoạch số 63/KH-UBND ngày 11/4/2023", as documents cite it."""
        text = f"Kế hoạch số {self.number}" if self.number else "Kế hoạch (chưa có số)"
        if self.issued_on:
            text += f" ngày {self.issued_on.day}/{self.issued_on.month}/{self.issued_on.year}"
        return text

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ContentGroup(db.Model):
    """A content group (nội dung) of the annex: STT and Nội dung, given once per group."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(20), default="")  # "1", "II"
    title: Mapped[str] = mapped_column(Text, default="")
    intro: Mapped[str] = mapped_column(Text, default="")  # heading rows that are not activities

    plan: Mapped[Plan] = relationship(back_populates="groups")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="group", order_by="Activity.position"
    )


class Activity(db.Model):
    """One row of the annex (hoạt động, nhiệm vụ) with its timeframe as written and as read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("content_group.id"), index=True)
    position: Mapped[int]  # order within the plan
    number_raw: Mapped[str] = mapped_column(String(30), default="")  # "5,2,"
    number: Mapped[str | None] = mapped_column(String(30))  # "5.2"; None when unnumbered
    text: Mapped[str] = mapped_column(Text)
    lead_text: Mapped[str] = mapped_column(Text, default="")  # unit cells as written
    support_text: Mapped[str] = mapped_column(Text, default="")
    timeframe_text: Mapped[str] = mapped_column(Text, default="")
    timeframe_kind: Mapped[str] = mapped_column(String(20), default=TimeframeKind.UNDATED)
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    # The deadline first given, kept when Phòng Nội vụ extends it ("done late" needs it).
    original_due_on: Mapped[date | None] = mapped_column(Date)
    cadence: Mapped[str | None] = mapped_column(String(20))
    timeframe_note: Mapped[str] = mapped_column(Text, default="")
    # Deadlines before due_on ("15/6 và 15/12 hằng năm"), ISO dates separated by spaces.
    earlier_due_dates: Mapped[str] = mapped_column(Text, default="", server_default="")
    timeframe_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # Sản phẩm, Ghi chú…
    search_text: Mapped[str] = mapped_column(Text, default="")  # folded text + unit names
    # The province activity this commune activity was taken from (services.cascade): its
    # accepted reports count for the commune's task in the province's plan.
    source_activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"), index=True)

    plan: Mapped[Plan] = relationship(back_populates="activities")
    source_activity: Mapped[Activity | None] = relationship(remote_side=[id])
    group: Mapped[ContentGroup] = relationship(back_populates="activities")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Assignment.position"
    )
    dimensions: Mapped[list[IndexDimension]] = relationship(
        secondary=activity_dimension, order_by="IndexDimension.id"
    )

    @property
    def timeframe(self) -> Timeframe:
        return Timeframe(
            text=self.timeframe_text,
            kind=TimeframeKind(self.timeframe_kind),
            starts_on=self.starts_on,
            due_on=self.due_on,
            cadence=Cadence(self.cadence) if self.cadence else None,
            note=self.timeframe_note,
            earlier_due_dates=decode_dates(self.earlier_due_dates),
            needs_review=self.timeframe_review,
        )

    @timeframe.setter
    def timeframe(self, value: Timeframe) -> None:
        self.timeframe_text = value.text
        self.timeframe_kind = value.kind.value
        self.starts_on = value.starts_on
        self.due_on = value.due_on
        self.cadence = value.cadence.value if value.cadence else None
        self.timeframe_note = value.note
        self.earlier_due_dates = encode_dates(value.earlier_due_dates)
        self.timeframe_review = value.needs_review

    @property
    def due_dates(self) -> tuple[date, ...]:
        """Every deadline, the last being `due_on` (which Phòng Nội vụ may have moved)."""
        return self.timeframe.due_dates

    def units(self, role: str) -> list[Unit]:
        return [a.unit for a in self.assignments if a.role == role]


class Assignment(db.Model):
    """Activity × unit × role. A group such as "UBND xã, phường" is one row per member."""

    __table_args__ = (UniqueConstraint("activity_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # LEAD or SUPPORT
    via_group_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    position: Mapped[int] = mapped_column(default=0)

    activity: Mapped[Activity] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    via_group: Mapped[Unit | None] = relationship(foreign_keys=[via_group_id])

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]
