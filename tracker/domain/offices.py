"""The coordinating office (cơ quan theo dõi) of a locality's PAPI plans, named as the
locality names it (issue 16). Rule: the office that "theo dõi, đôn đốc, kiểm tra, tổng
hợp" a plan is, by the level of the organisation that issues it,

- a province (cấp tỉnh): Sở Nội vụ;
- a commune (xã, phường, đặc khu, since 1/7/2025): the office the commune designates,
  usually its Văn phòng HĐND và UBND;
- a historical district (huyện, thị xã, before 1/7/2025): Phòng Nội vụ (seed 004, V.14).

These are defaults: each locality keeps its own name (`Locality.office_name`). Where no
locality is known (an instance holding several, seen by a person of none of them), pages
use `NEUTRAL_OFFICE`, which fits every level."""

from __future__ import annotations

# A locality's level: the two tiers since 1/7/2025, and the districts kept for history.
PROVINCE, COMMUNE, DISTRICT = "province", "commune", "district"

DEFAULT_OFFICE_NAMES: dict[str, str] = {
    PROVINCE: "Sở Nội vụ",
    COMMUNE: "Văn phòng HĐND và UBND",
    DISTRICT: "Phòng Nội vụ",
}

# Lower case: it reads inside a sentence ("Gửi bộ phận theo dõi kế hoạch"); templates
# and messages capitalise it at the start of one (documents.upper_first).
NEUTRAL_OFFICE = "bộ phận theo dõi kế hoạch"


def default_office_name(level: str) -> str:
    """The usual coordinating office of a locality of `level`; the neutral words for a
    level this module does not know."""
    return DEFAULT_OFFICE_NAMES.get(level, NEUTRAL_OFFICE)


def office_name(given: str, level: str) -> str:
    """The office a locality is given, tidied; its level's default when none is given."""
    return " ".join(given.split()) or default_office_name(level)
