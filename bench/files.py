"""Benchmarks of files: importing a 2,000-row annex (time and peak memory, in a child
process so its memory is its own) and every export of the seeded demo plan."""

from __future__ import annotations

import contextlib
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from flask import Flask

from bench.common import ROOT, Row, timed
from tracker.exporters import EXPORTS
from tracker.exporters.pdf import soffice
from tracker.services.exports import report as exports

HEADER = "STT\tNội dung\tHoạt động\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian thực hiện"
UNITS = [
    "Phòng Nội vụ.",
    "Phòng Tư pháp.",
    "- Phòng Văn hóa và Thông tin. - Trung tâm Văn hóa - Thể thao - Truyền thanh.",
    "UBND xã, phường.",
    "Phòng Tài chính - Kế hoạch.",
    "Thanh tra thị xã.",
    "Các ngành có liên quan.",
]
TIMES = ["Thường xuyên", "Năm 2024", "Quý II/2024", "Trước ngày 30/6/2024", "6 tháng đầu năm 2024"]


def annex_text(rows: int, groups: int = 40, seed: int = 3) -> str:
    """A tab-separated annex in the shape of seed 004: STT and Nội dung once per group."""
    rng = random.Random(seed)
    lines = [HEADER]
    per_group = rows // groups
    for g in range(groups):
        for i in range(per_group):
            first = i == 0
            text = (
                f"{g + 1}.{i + 1}. Hoạt động thử số {g * per_group + i + 1} về cải cách hành chính."
            )
            lines.append(
                "\t".join(
                    [
                        str(g + 1) if first else "",
                        f"Nhóm nội dung {g + 1}" if first else "",
                        text,
                        rng.choice(UNITS),
                        rng.choice(UNITS),
                        rng.choice(TIMES),
                    ]
                )
            )
    return "\n".join(lines) + "\n"


def import_row(instance: Path) -> Row:
    """`flask import-annex` of 2,000 rows into a new plan, in a child process."""
    path = instance / "annex-2000.txt"
    path.write_text(annex_text(2000), encoding="utf-8")
    env = {"TRACKER_INSTANCE_DIR": str(instance), "PATH": str(Path(sys.executable).parent)}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "import-annex", str(path)]
    command += ["--number", "99/KH-UBND", "--issued-on", "2024-03-01", "--year", "2024"]
    command += ["--title", "Kế hoạch thử 2.000 dòng", "--noun", "nhiệm vụ", "--json"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    activities = sum(len(g["activities"]) for g in json.loads(done.stdout)["groups"])
    assert activities == 2000, activities
    ok = seconds <= 10 and peak_mb <= 300
    note = f"{seconds:.1f} s, peak {peak_mb:.0f} MB"
    return Row(
        "Import of a 2,000-row annex (.txt)",
        seconds * 1000,
        seconds * 1000,
        None,
        "≤ 10 s, ≤ 300 MB",
        ok,
        note,
    )


def export_rows(app: Flask, runs: int) -> list[Row]:
    """Each export of the seeded demo plan as of 15/12/2023 (read + render)."""
    request = exports.ExportRequest(plan="63/KH-UBND", as_of=date(2023, 12, 15))
    rows = []
    with app.app_context():
        for code in EXPORTS:
            if code == "pdf" and soffice() is None:
                continue
            count = 3 if code == "pdf" else runs
            timing = timed(lambda code=code: exports.export(request, code), count)
            name, size = f"Export {code}, seeded plan", len(timing.result[1])
            row = Row(name, timing.median_ms, timing.p95_ms, size, "", None)
            row.calibration_ms = timing.calibration_ms
            rows.append(row)
    return rows


def attack_row() -> Row:
    """Each hostile annex of tests/importers/test_attacks.py (zip bombs, billion laughs,
    XXE, macros, a 12 MB text…) read once: the slowest refusal, ≤ 2 s."""
    from tests.importers.test_attacks import CASES
    from tracker.importers import BadFile, read_document

    times = {}
    for case, make in CASES.items():
        filename, data, _ = make()
        start = time.perf_counter()
        with contextlib.suppress(BadFile):  # every one of them is refused (the tests)
            read_document(filename, data)
        times[case] = (time.perf_counter() - start) * 1000
    slowest = max(times, key=times.__getitem__)
    worst = times[slowest]
    return Row(
        f"Hostile annex files refused ({len(times)} kinds), the slowest",
        worst,
        worst,
        None,
        "≤ 2,000 ms each",
        None,
        f"slowest: {slowest}",
        limit_ms=2000,
    )
