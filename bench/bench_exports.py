#!/usr/bin/env python3
"""Time each export of the seeded demo plan (Kế hoạch 63/KH-UBND, 2023 progress, as of
15/12/2023): data read + rendering, as `export` does it. Prints median and p95.

    .venv/bin/python bench/bench_exports.py [--runs 20] [--pdf-runs 3]

Standalone: builds its own temporary instance; not part of the test suite."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.exporters import EXPORTS  # noqa: E402
from tracker.exporters.pdf import soffice  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.services import exports  # noqa: E402
from tracker.services.seeding import load_seeds  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pdf-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        app = create_app(
            {
                "INSTANCE_DIR": instance,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'tracker.sqlite3'}",
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            load_seeds(demo=True)
            db.session.commit()
            request = exports.ExportRequest(plan="63/KH-UBND", as_of=date(2023, 12, 15))
            print(f"{'export':<10}{'runs':>6}{'median ms':>12}{'p95 ms':>10}{'size KB':>10}")
            for code in EXPORTS:
                if code == "pdf" and soffice() is None:
                    print(f"{code:<10}  (LibreOffice not installed)")
                    continue
                runs = args.pdf_runs if code == "pdf" else args.runs
                timings, size = [], 0
                for _ in range(runs):
                    start = time.perf_counter()
                    _, content, _ = exports.export(request, code)
                    timings.append((time.perf_counter() - start) * 1000)
                    size = len(content)
                print(
                    f"{code:<10}{runs:>6}{statistics.median(timings):>12.1f}"
                    f"{p95(timings):>10.1f}{size / 1024:>10.1f}"
                )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
