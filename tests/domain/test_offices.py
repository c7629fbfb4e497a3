"""The coordinating office by level (domain.offices): the usual names, and a locality's
own name kept as given, tidied."""

from __future__ import annotations

import pytest

from tracker.domain.offices import (
    COMMUNE,
    DISTRICT,
    NEUTRAL_OFFICE,
    PROVINCE,
    default_office_name,
    office_name,
)


@pytest.mark.parametrize(
    ("level", "office"),
    [
        (PROVINCE, "Sở Nội vụ"),
        (COMMUNE, "Văn phòng HĐND và UBND"),
        (DISTRICT, "Phòng Nội vụ"),
        ("ward", NEUTRAL_OFFICE),  # a level the rule does not know: words for any level
    ],
)
def test_each_level_has_its_usual_office(level, office):
    assert default_office_name(level) == office


@pytest.mark.parametrize(
    ("given", "level", "office"),
    [
        ("", COMMUNE, "Văn phòng HĐND và UBND"),
        ("   ", PROVINCE, "Sở Nội vụ"),
        ("  Văn phòng HĐND và UBND   xã Hòa Tú ", COMMUNE, "Văn phòng HĐND và UBND xã Hòa Tú"),
        ("Phòng Văn hóa - Xã hội", COMMUNE, "Phòng Văn hóa - Xã hội"),  # another designated
    ],
)
def test_a_given_office_is_kept_and_an_empty_one_is_the_levels(given, level, office):
    assert office_name(given, level) == office
