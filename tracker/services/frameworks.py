"""Index frameworks (domain.frameworks): the instance's frameworks, adding one, the ones a
plan follows, and their names for the figures. Frameworks are instance-wide: every
locality reads them; any Phòng Nội vụ may add one (web.frameworks)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.domain.frameworks import (
    DimensionName,
    FrameworkName,
    NewFramework,
    read_new_framework,
)
from tracker.extensions import db
from tracker.models import (
    Activity,
    IndexDimension,
    IndexFramework,
    Plan,
    User,
    activity_dimension,
)
from tracker.services import history

PAPI = "PAPI"  # the framework every plan follows unless Phòng Nội vụ chooses others


class FrameworkError(ValueError):
    """The framework cannot be added or chosen; the message is for the user."""


def all_frameworks() -> list[IndexFramework]:
    stmt = (
        select(IndexFramework)
        .options(selectinload(IndexFramework.dimensions))
        .order_by(IndexFramework.position, IndexFramework.id)
    )
    return list(db.session.scalars(stmt))


def find_framework(code: str) -> IndexFramework | None:
    return db.session.scalar(select(IndexFramework).where(IndexFramework.code == code))


def default_frameworks() -> list[IndexFramework]:
    """What a new plan follows: PAPI."""
    papi = find_framework(PAPI)
    return [papi] if papi is not None else []


def add_framework(
    name: str, short_name: str, dimension_noun: str, dimension_lines: str, user: User | None
) -> IndexFramework:
    """A new framework with its dimensions numbered 1… in the order given."""
    taken = [v for f in all_frameworks() for v in (f.name, f.short_name, f.code)]
    new, problems = read_new_framework(name, short_name, dimension_noun, dimension_lines, taken)
    if new is None:
        raise FrameworkError("\n".join(problems))  # one problem a line
    return _store(new, user)


def _store(new: NewFramework, user: User | None) -> IndexFramework:
    position = db.session.scalar(select(func.max(IndexFramework.position))) or 0
    framework = IndexFramework(
        code=new.code,
        name=new.name,
        short_name=new.short_name,
        dimension_noun=new.dimension_noun,
        position=position + 1,
    )
    db.session.add(framework)
    db.session.flush()
    # Dimension ids are plain numbers (PAPI's are 1–8): the next ones after the last.
    next_id = (db.session.scalar(select(func.max(IndexDimension.id))) or 0) + 1
    framework.dimensions = [
        IndexDimension(id=next_id + offset, number=offset + 1, name=dimension_name, name_en="")
        for offset, dimension_name in enumerate(new.dimensions)
    ]
    db.session.flush()
    history.record(
        user,
        entity="framework",
        action="create",
        entity_id=framework.id,
        plan_id=None,
        after={"Bộ chỉ số": new.name, "Chỉ số thành phần": list(new.dimensions)},
        note="Thêm bộ chỉ số",
    )
    return framework


def set_plan_frameworks(plan: Plan, framework_ids: Sequence[int], user: User | None) -> bool:
    """The frameworks `plan` follows; False when nothing changed. At least one; a framework
    some activity of the plan is tagged with stays until those tags are removed, so no
    tag is hidden."""
    chosen = [f for f in all_frameworks() if f.id in set(framework_ids)]
    if not chosen:
        raise FrameworkError("Chọn ít nhất một bộ chỉ số cho kế hoạch.")
    for framework in plan.frameworks:
        if framework not in chosen and (n := _tagged(plan, framework)):
            raise FrameworkError(
                f"Không bỏ được {framework.name}: {n:02d} hoạt động của kế hoạch đang gắn chỉ "
                "số của bộ này. Bỏ gán ở từng hoạt động trước."
            )
    before = [f.name for f in plan.frameworks]
    if before == [f.name for f in chosen]:
        return False
    plan.frameworks = chosen
    history.plan_changed(
        user,
        plan,
        "Chọn bộ chỉ số",
        before={"Bộ chỉ số": before},
        after={"Bộ chỉ số": [f.name for f in chosen]},
    )
    return True


def follow_frameworks_of(
    plan: Plan, dimensions: Sequence[IndexDimension], user: User | None
) -> None:
    """`plan` follows every framework of `dimensions` too (a linked activity keeps its
    province's tags: the commune's figures then give those frameworks' sections)."""
    missing = [f for f in all_frameworks() if f not in plan.frameworks]
    needed = {d.framework_id for d in dimensions}
    if any(f.id in needed for f in missing):
        ids = [f.id for f in plan.frameworks] + [f.id for f in missing if f.id in needed]
        set_plan_frameworks(plan, ids, user)


def _tagged(plan: Plan, framework: IndexFramework) -> int:
    stmt = (
        select(func.count(func.distinct(activity_dimension.c.activity_id)))
        .join(Activity, Activity.id == activity_dimension.c.activity_id)
        .join(IndexDimension, IndexDimension.id == activity_dimension.c.dimension_id)
        .where(Activity.plan_id == plan.id, IndexDimension.framework_id == framework.id)
    )
    return db.session.scalar(stmt) or 0


def framework_names(frameworks: Sequence[IndexFramework]) -> tuple[FrameworkName, ...]:
    """Plain names for the figures (services.figures.names.Names)."""
    return tuple(
        FrameworkName(
            f.id,
            f.code,
            f.name,
            f.short_name,
            f.dimension_noun,
            tuple(DimensionName(d.id, d.number, d.name) for d in f.dimensions),
        )
        for f in frameworks
    )


def offered_dimensions(plan: Plan) -> list[IndexDimension]:
    """The dimensions an activity of `plan` may be tagged with: its frameworks', in order."""
    return [d for f in plan.frameworks for d in f.dimensions]
