"""When a row of the bench passes. Pure: numbers in, the answer out.

A row with a time threshold T (its p95 in ms) has a ratio: its p95 ÷ the median of the
calibration timed interleaved with it (bench/calibration.py) — the p95 because the
thresholds are on the p95, the calibration's median because a few-ms piece of work has
a steadier median than tail. Its ratio threshold is T ÷ the calibration's median on a
quiet machine (calibration.REFERENCE_MS).

The row passes when its p95 ≤ T (the time holds) OR its ratio ≤ T ÷ reference (the
ratio holds). On a machine as fast as the quiet one or faster the ratio threshold is
the stricter, so the time decides; on a loaded machine, where the calibration too ran
slower, the ratio may hold where the time does not — the threshold scaled by how much
slower the machine was during that row, never scaled down. Conditions that are not
times (a size, "0 errors", "304") must hold as well.
"""

from __future__ import annotations

from enum import Enum


class Held(Enum):
    TIME = "ok"  # p95 ≤ T
    RATIO = "ok by ratio"  # p95 > T, but p95 ÷ calibration ≤ T ÷ reference
    NEITHER = "MISSED"


def ratio(p95_ms: float, calibration_ms: float) -> float:
    """The row's time in calibrations (0 calibration: infinite, never passes by ratio)."""
    return p95_ms / calibration_ms if calibration_ms > 0 else float("inf")


def ratio_limit(limit_ms: float, reference_ms: float) -> float:
    return limit_ms / reference_ms


def held(p95_ms: float, limit_ms: float, calibration_ms: float | None, reference_ms: float) -> Held:
    """Which threshold holds; without a calibration only the time can."""
    if p95_ms <= limit_ms:
        return Held.TIME
    if calibration_ms is not None and ratio(p95_ms, calibration_ms) <= ratio_limit(
        limit_ms, reference_ms
    ):
        return Held.RATIO
    return Held.NEITHER


def verdict(
    ok: bool | None,
    p95_ms: float,
    limit_ms: float | None,
    calibration_ms: float | None,
    reference_ms: float,
) -> str:
    """The table's word for a row: "" (nothing to meet), "ok", "ok by ratio", "MISSED".
    `ok` is the row's other conditions (None: there are none)."""
    if limit_ms is None:
        return {True: "ok", False: "MISSED", None: ""}[ok]
    if ok is False:
        return "MISSED"
    return held(p95_ms, limit_ms, calibration_ms, reference_ms).value
