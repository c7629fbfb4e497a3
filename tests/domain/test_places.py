"""domain.places: a locality's place name, for the dated line of its documents."""

import pytest

from tracker.domain.places import place_name


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("đặc khu Hòn Ngọc", "Hòn Ngọc"),
        ("đặc khu Bạch Long Vĩ", "Bạch Long Vĩ"),
        ("thị xã Vĩnh Châu", "Vĩnh Châu"),
        ("xã Hòa Tú", "Hòa Tú"),
        ("phường  Tân   Thành", "Tân Thành"),
        ("thành phố Cần Thơ", "Cần Thơ"),
        ("tỉnh Hưng Yên", "Hưng Yên"),
        ("thị trấn Lịch Hội Thượng", "Lịch Hội Thượng"),
        ("Phường 1", "Phường 1"),  # a numbered ward: its number is its name
        ("Xã Vĩnh Hải", "Vĩnh Hải"),
    ],
)
def test_the_place_is_the_name_without_its_level(name, place):
    assert place_name(name) == place
