"""The calendar rows (bench/bench_feeds.py, which times each row's requests itself)
interleaved with the calibration as every other row: its `timed` is run one request at
a time, a calibration after each, and each row's calibration median kept in order.

Over HTTP (`change` given) a row's `before` — an in-process cache emptied, out of the
server's reach — becomes a change written to the database (http_mode.record_change),
and an If-None-Match carries the feed's ETag as it is then, as a calendar holds the
last one it was sent.
"""

from __future__ import annotations

import inspect
import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench import bench_feeds
from bench.calibration import calibration


@contextmanager
def interleaved(change: Callable[[], None] | None = None) -> Iterator[list[float]]:
    """While open, bench_feeds.measure() interleaves; yields the rows' calibrations."""
    original, requests = bench_feeds.timed, bench_feeds.REQUESTS
    calibrations: list[float] = []
    yardstick = calibration()

    def timed(*args: Any, **kwargs: Any) -> tuple[list[float], int, int]:
        bound = inspect.signature(original).bind(*args, **kwargs)
        if change is not None:
            _over_http(bound.arguments, change)
        times: list[float] = []
        mine: list[float] = []
        size = status = 0
        bench_feeds.REQUESTS = 1
        try:
            for _ in range(requests):
                once, size, status = original(*bound.args, **bound.kwargs)
                times += once
                mine.append(yardstick.time_ms())
        finally:
            bench_feeds.REQUESTS = requests
        calibrations.append(statistics.median(mine))
        return times, size, status

    bench_feeds.timed = timed
    try:
        yield calibrations
    finally:
        bench_feeds.timed = original


def _over_http(arguments: dict[str, Any], change: Callable[[], None]) -> None:
    if arguments.get("before") is not None:
        arguments["before"] = change
    headers = arguments.get("headers") or {}
    if "If-None-Match" in headers:
        current = arguments["client"].get(arguments["url"]).headers["ETag"]
        arguments["headers"] = {**headers, "If-None-Match": current}
