"""Typed SQLAlchemy 2.0 models: invariants only — no workflows, no commits."""

from tracker.models.audit import AuditEvent
from tracker.models.calendar import CalendarToken
from tracker.models.history import Change, DeadlineChange
from tracker.models.jobs import FigureSnapshot, JobLease, JobRun
from tracker.models.notifications import DayOff, DayOffSeed, Notification, ReminderRules
from tracker.models.plans import (
    LEAD,
    SUPPORT,
    Activity,
    Assignment,
    ContentGroup,
    IndexDimension,
    IndexFramework,
    Plan,
    activity_dimension,
    plan_framework,
)
from tracker.models.province import ProvinceFigure, ProvinceSnapshot
from tracker.models.reporting import (
    Attachment,
    EvidenceDocument,
    LoginAttempt,
    ProgressReport,
    ReportEvent,
    ReportingPeriod,
)
from tracker.models.units import Locality, Unit, UnitAlias, UnitGroupMember
from tracker.models.users import RevokedSession, SignInLink, User

__all__ = [
    "LEAD",
    "SUPPORT",
    "Activity",
    "AuditEvent",
    "Attachment",
    "EvidenceDocument",
    "LoginAttempt",
    "ProgressReport",
    "ReportEvent",
    "ReportingPeriod",
    "Assignment",
    "CalendarToken",
    "Change",
    "DeadlineChange",
    "DayOff",
    "DayOffSeed",
    "Notification",
    "ReminderRules",
    "RevokedSession",
    "SignInLink",
    "FigureSnapshot",
    "JobLease",
    "JobRun",
    "ContentGroup",
    "Locality",
    "IndexDimension",
    "IndexFramework",
    "Plan",
    "ProvinceFigure",
    "ProvinceSnapshot",
    "Unit",
    "UnitAlias",
    "UnitGroupMember",
    "User",
    "activity_dimension",
    "plan_framework",
]
