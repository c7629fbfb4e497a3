#!/usr/bin/env python3
"""The two commands of the README, needing nothing but Python 3:

    python3 dev.py up     set up .venv, migrate, load the Vĩnh Châu 2023 plan, run the app
                          (the web server and the one scheduler process)
    python3 dev.py test   set up .venv (and Debian's chromium), run lint, types and every test
    python3 dev.py bench  run every benchmark in bench/ and print its table

Extra arguments after `test` go to pytest (e.g. `python3 dev.py test -k annex`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project; reinstall only when pyproject.toml changes."""
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PY, "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(digest)


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it with apt when it is missing."""
    if shutil.which("chromium"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        sys.exit(
            "Cần gói chromium của Debian cho kiểm thử trình duyệt: "
            "chạy `apt-get install chromium` với quyền root."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(*sudo, "apt-get", "update", "-qq", env=env)
    run(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", env=env)


def flask(*args: str) -> None:
    run(BIN / "flask", "--app", "wsgi", *args)


def up() -> None:
    ensure_venv("")
    flask("db", "upgrade")
    flask("seed")
    port = os.environ.get("PORT", "5000")
    print(f"\nMở http://127.0.0.1:{port} — đăng nhập: noivu / noivu2023\n", flush=True)
    # One scheduler process beside the web server, never inside it (APScheduler's FAQ).
    scheduler = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "scheduler"], cwd=ROOT)
    try:
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "run", "--port", port], cwd=ROOT)
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.terminate()
        scheduler.wait(10)


def test(pytest_args: list[str]) -> None:
    ensure_venv("test")
    ensure_chromium()
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    run(PY, "-m", "pytest", *pytest_args)


def bench() -> None:
    ensure_venv("")
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        run(PY, script)


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "up":
        up()
    elif command == "test":
        test(rest)
    elif command == "bench":
        bench()
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
