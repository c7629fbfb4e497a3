"""Localities and their units (đơn vị): offices, communes, groups, vague groups."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.units import UnitKind
from tracker.extensions import db

UNIT_KIND_LABELS = {
    UnitKind.OFFICE: "Cơ quan chuyên môn",
    UnitKind.PUBLIC_SERVICE: "Đơn vị sự nghiệp",
    UnitKind.COMMUNE: "UBND xã, phường",
    UnitKind.HAMLET: "Ấp, khóm, tổ dân phố",
    UnitKind.MASS_ORG: "Mặt trận, đoàn thể",
    UnitKind.OTHER: "Cơ quan, đơn vị khác",
    UnitKind.GROUP: "Nhóm đơn vị",
    UnitKind.VAGUE: "Nhóm chưa xác định",
}


# A locality's level (issue 16): since 1/7/2025 local government has two tiers, the
# province and the commune; districts (huyện, thị xã) are kept for their history.
PROVINCE, COMMUNE, DISTRICT = "province", "commune", "district"
LEVEL_LABELS = {PROVINCE: "Cấp tỉnh", COMMUNE: "Cấp xã", DISTRICT: "Cấp huyện (trước 1/7/2025)"}


class Locality(db.Model):
    """An organisation whose UBND issues plans: a province, a commune (xã, phường, đặc khu)
    or a historical district. Each is a tenant: its plans, units and accounts are its own
    (services.tenancy); a commune's `parent` is its province."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # "thị xã Vĩnh Châu"
    place_name: Mapped[str] = mapped_column(String(100))  # "Vĩnh Châu" (in "Vĩnh Châu, ngày…")
    issuing_body: Mapped[str] = mapped_column(String(200))  # "Ủy ban nhân dân thị xã Vĩnh Châu"
    province: Mapped[str] = mapped_column(String(100))  # "tỉnh Sóc Trăng"
    level: Mapped[str] = mapped_column(String(10), default=DISTRICT, server_default=DISTRICT)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), index=True)

    units: Mapped[list[Unit]] = relationship(
        back_populates="locality", foreign_keys="Unit.locality_id"
    )
    parent: Mapped[Locality | None] = relationship(remote_side=[id])

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)


class UnitGroupMember(db.Model):
    """Membership of a named group such as "UBND xã, phường" (group) → a commune."""

    group_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )


class Unit(db.Model):
    __table_args__ = (UniqueConstraint("locality_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    # How the unit is written short ("Sở TC", "VP HĐND-UBND"); also one of its aliases.
    short_name: Mapped[str] = mapped_column(String(50), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(20))  # a UnitKind value
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    position: Mapped[int] = mapped_column(default=0)  # order in the catalogue
    search_text: Mapped[str] = mapped_column(String(1000), default="")  # folded name + aliases
    # In a province's catalogue, the commune this unit ("UBND phường Tân Thành") stands
    # for: the commune's own plan reports for it (services.cascade).
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), index=True)

    locality: Mapped[Locality] = relationship(back_populates="units", foreign_keys=[locality_id])
    commune: Mapped[Locality | None] = relationship(foreign_keys=[commune_id])
    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.id"
    )
    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    members: Mapped[list[Unit]] = relationship(
        secondary="unit_group_member",
        primaryjoin="Unit.id == UnitGroupMember.group_id",
        secondaryjoin="Unit.id == UnitGroupMember.member_id",
        order_by="Unit.position",
    )

    @property
    def unit_kind(self) -> UnitKind:
        return UnitKind(self.kind)

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS[self.unit_kind]

    @property
    def is_vague(self) -> bool:
        return self.kind == UnitKind.VAGUE


class UnitAlias(db.Model):
    """Another way a unit is written. Several rows with one key map a name to several units."""

    __table_args__ = (UniqueConstraint("key", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(500))  # as written
    key: Mapped[str] = mapped_column(String(500), index=True)  # text.name_key(alias)

    unit: Mapped[Unit] = relationship(back_populates="aliases")
