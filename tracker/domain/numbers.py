"""Figures written as Vietnamese administrative documents write them.

- counts under 10 take a leading zero: 07/19, 01 nhiệm vụ; 10 and more as they are;
- thousands are grouped with a dot: 2.212;
- percentages use a decimal comma, rounded half-up to two decimals (36,84%), and whole
  numbers carry no decimals (100%, 20%);
- 0/0 is not a percentage: it is written "—" (no denominator, nothing to compare).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache


def count(n: int) -> str:
    """07, 19, 2.212."""
    if n < 0:
        return "-" + count(-n)
    return f"{n:02d}" if n < 10 else f"{n:,}".replace(",", ".")


def percent_value(numerator: int, denominator: int) -> Decimal | None:
    """The percentage rounded half-up to two decimals; None when the denominator is 0."""
    if denominator == 0:
        return None
    exact = Fraction(numerator * 100, denominator)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@lru_cache(maxsize=8192)  # pure; a dashboard formats the same few fractions many times
def percent(numerator: int, denominator: int) -> str:
    """ "36,84%", "100%", "20%"; "—" for 0/0."""
    value = percent_value(numerator, denominator)
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return f"{int(value):,}%".replace(",", ".")
    whole, _, decimals = f"{value:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + decimals + "%"


def fraction(numerator: int, denominator: int) -> str:
    """ "07/19"."""
    return f"{count(numerator)}/{count(denominator)}"
