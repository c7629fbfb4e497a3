"""The yardstick of the bench: a fixed piece of in-process work — read the same 1,000
rows from a small SQLite file and JSON-encode them, the two things a request of ours
does most — timed right after each measured request (A, B, A, B), so whatever else the
machine is doing slows both alike. A row's ratio is its time divided by this one
(bench/verdict.py); two runs on different days compare by their ratios.

The file is made once per run in a temporary folder, the same rows every time
(deterministic), and read through one connection kept open, as a web worker keeps its
own.
"""

from __future__ import annotations

import atexit
import json
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import date, timedelta
from functools import cache
from pathlib import Path

ROWS = 1000

# The calibration's median on a quiet machine, in ms. Measured by
# `python3 -m bench.calibration` (a process as the bench's; 20 bursts of 100 runs after
# 100 warm-up ones) on the 2-CPU development container (Python 3.13), 5/12/2026
# 05:13–05:18 UTC, the quietest minutes of that morning: load average 0.81–0.99 (1 min),
# no other build running. Four runs: burst medians' median 2.52, 2.57, 2.62, 2.67 ms,
# lowest burst 2.42–2.59 ms. Rounded to 2.5: each row's ratio threshold is its time
# threshold ÷ 2.5. (Rounded down the ratio rule would be looser; this errs strict — in a
# bench run the interleaved calibration has measured 2.26–2.46 ms at load 1–2.5.)
REFERENCE_MS = 2.5

WORDS = (  # noqa: SIM905 — a sentence reads better than a list
    "tuyên truyền phổ biến kiểm tra công khai minh bạch thủ tục hành chính dịch vụ công "
    "trực tuyến tiếp công dân giải quyết khiếu nại tố cáo ngân sách xã phường"
).split()


class Calibration:
    """`run()`: the fixed work; `time_ms()`: how long it takes now."""

    def __init__(self, folder: Path) -> None:
        path = folder / "calibration.sqlite3"
        with sqlite3.connect(path) as connection:
            connection.execute(
                "CREATE TABLE row (id INTEGER PRIMARY KEY, unit TEXT, text TEXT,"
                " due_on TEXT, share REAL, done INTEGER)"
            )
            connection.executemany("INSERT INTO row VALUES (?, ?, ?, ?, ?, ?)", _rows())
        connection.close()
        self.connection = sqlite3.connect(path, check_same_thread=False)

    def run(self) -> int:
        """Read the rows and encode them; the length of the JSON (so nothing is skipped)."""
        cursor = self.connection.execute("SELECT * FROM row ORDER BY id")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor]
        return len(json.dumps(rows, ensure_ascii=False))

    def time_ms(self) -> float:
        """One run timed after one untimed: what the request before it left in the CPU's
        caches (or evicted from them) does not count, only how fast the machine is now —
        so interleaved runs measure as runs back to back do (the reference)."""
        self.run()
        start = time.perf_counter()
        self.run()
        return (time.perf_counter() - start) * 1000

    def median_ms(self, runs: int) -> float:
        """The median of `runs` back to back, for what the bench cannot interleave."""
        return statistics.median(self.time_ms() for _ in range(runs))


def _rows() -> list[tuple[int, str, str, str, float, int]]:
    first = date(2024, 1, 1)
    return [
        (
            i,
            f"Phòng {WORDS[i % len(WORDS)]} số {i % 25}",
            " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(12)),
            (first + timedelta(days=i % 366)).isoformat(),
            (i % 100) / 100,
            i % 3 == 0,
        )
        for i in range(ROWS)
    ]


@cache
def calibration() -> Calibration:
    """The run's one calibration, its file removed when the run ends."""
    folder = Path(tempfile.mkdtemp(prefix="bench-calibration-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Calibration(folder)


def main() -> None:
    """Measure the reference in a process as the bench's (the app's modules loaded,
    gc.freeze): after 100 warm-up runs, 20 bursts of 100 runs; each burst's median, and
    the lowest of them — the burst least disturbed by anything else running."""
    import gc
    import os

    import bench.common  # noqa: F401 — the process as the bench's: the app's modules loaded

    yardstick = calibration()
    gc.collect()
    gc.freeze()
    print("load average before:", *(f"{x:.2f}" for x in os.getloadavg()))
    for _ in range(100):
        yardstick.run()
    bursts = [yardstick.median_ms(100) for _ in range(20)]
    print("burst medians:", " ".join(f"{b:.2f}" for b in bursts))
    print(f"lowest {min(bursts):.3f} ms, median {statistics.median(bursts):.3f} ms")
    print("load average after:", *(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
