#!/usr/bin/env python3
"""The two commands of the README, needing nothing but Python 3:

    python3 dev.py up     set up .venv, migrate, load the Vĩnh Châu 2023 plan, run the app
                          (the web server and the one scheduler process)
    python3 dev.py test   set up .venv (and Debian's chromium, LibreOffice, poppler,
                          PostgreSQL), run lint and types once, then every test twice:
                          on SQLite, then on a private throw-away PostgreSQL server
    python3 dev.py bench  the speed figures of quality.md, as a table (bench/);
                          `--postgres` also runs the two-tier section on a private
                          throw-away PostgreSQL server
    python3 dev.py help-images
                          retake the help pages' pictures (the role-day browser tests)
                          and copy them into tracker/static/help/

Extra arguments after `test` go to both pytest runs (e.g. `python3 dev.py test -k annex`);
`--sqlite-only` or `--postgres-only` runs one of them. `--quick`, for the working loop,
runs on SQLite only and leaves out the tests marked `slow` (load, faults, whole years)
and the browser's; CI runs everything. With TRACKER_TEST_DATABASE_URL set
the PostgreSQL run uses that server instead of starting its own.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def run(*args: str | Path, env: dict[str, str] | None = None, quiet: bool = False) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env, stdout=output)


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


def apt_install(package: str, why: str) -> None:
    """Install one of Debian's packages, as root or through sudo; exit saying how if we can't."""
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        sys.exit(
            f"Cần gói {package} của Debian {why}: chạy `apt-get install {package}` với quyền root."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(*sudo, "apt-get", "update", "-qq", env=env)
    run(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", package, env=env)


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it with apt when it is missing, with
    its translations (chromium-l10n) so date fields and file pickers read as a Vietnamese
    user's browser does, in the help pages' pictures too."""
    if not shutil.which("chromium"):
        apt_install("chromium", "cho kiểm thử trình duyệt")
    if not Path("/usr/lib/chromium/locales/vi.pak").exists():
        apt_install("chromium-l10n", "cho trình duyệt kiểm thử nói tiếng Việt")


# The PDF export converts the Word report with LibreOffice headless; pdftoppm renders it
# to PNG for the layout test; Liberation Serif has Times New Roman's metrics.
OFFICE_PACKAGES = ("libreoffice-writer-nogui", "poppler-utils", "fonts-liberation2")


def ensure_office(required: bool) -> bool:
    """Install LibreOffice (and pdftoppm, fonts) with apt when missing. The tests need
    them; `up` tries and goes on without (the PDF link then says what to install)."""
    if shutil.which("soffice") and shutil.which("pdftoppm"):
        return True
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        if sudo and not shutil.which("sudo"):
            raise OSError("no root")
        run(*sudo, "apt-get", "update", "-qq", env=env)
        run(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
            *OFFICE_PACKAGES, env=env)  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        message = (
            "Chưa cài được LibreOffice cho xuất PDF: chạy "
            f"`apt-get install {' '.join(OFFICE_PACKAGES)}` với quyền root."
        )
        if required:
            sys.exit(message)
        print(message, flush=True)
        return False
    return True


def postgres_bin() -> Path:
    """The newest server in Debian's layout (/usr/lib/postgresql/<version>/bin)."""

    def found() -> list[Path]:
        return sorted(
            Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
        )

    if not found():
        apt_install("postgresql", "cho lượt kiểm thử trên PostgreSQL")
    if not found():
        sys.exit("Không tìm thấy initdb trong /usr/lib/postgresql/*/bin sau khi cài postgresql.")
    return found()[-1].parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """A private throw-away PostgreSQL cluster for one test run; yields the URL of a
    database owned by a role that may create more (the tests' templates and copies).

    Root runs the server as the `postgres` system user (the server refuses to run as
    root). It listens on a unix socket in its own temporary folder and on 127.0.0.1 at a
    free port, without fsync: nothing in it outlives the run. It is stopped and its
    folder removed however the run ends."""
    bindir = postgres_bin()
    as_owner: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="papi-pg-"))
    if os.geteuid() == 0:
        as_owner = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    password = secrets.token_urlsafe(16)
    started = False
    try:
        (folder / "password").write_text(password + "\n")
        if as_owner:
            shutil.chown(folder / "password", "postgres", "postgres")
        # Vietnamese collation (ICU), as a province's server may well have: text the code
        # left the database to sort in byte order would come out differently here.
        run(*as_owner, bindir / "initdb", "-D", data, "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=vi",
            "--auth-local=peer", "--auth-host=scram-sha-256", "--pwfile", folder / "password",
            quiet=True)  # fmt: skip
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": f"'{folder}'",
            "max_connections": "200",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        started = True  # or half-started: stopping is tried either way
        try:
            run(*as_owner, bindir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w",
                "start", quiet=True)  # fmt: skip
        except subprocess.CalledProcessError:
            print((folder / "server.log").read_text(errors="replace")[-3000:], flush=True)
            raise
        sql = f"CREATE ROLE tracker LOGIN CREATEDB PASSWORD '{password}'"
        psql = [*as_owner, bindir / "psql", "-h", folder, "-p", str(port), "-U", "postgres"]
        run(*psql, "-q", "-d", "postgres", "-c", sql)
        run(*psql, "-q", "-d", "postgres", "-c", "CREATE DATABASE tracker OWNER tracker")
        yield f"postgresql+psycopg://tracker:{password}@127.0.0.1:{port}/tracker"
    finally:
        if started:
            subprocess.run(
                [*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(folder, ignore_errors=True)


def flask(*args: str) -> None:
    run(BIN / "flask", "--app", "wsgi", *args)


def welcome(environ: Mapping[str, str]) -> str:
    """Where to open the app, and the address its calendar and e-mail links use: with PORT
    set and TRACKER_BASE_URL not, config.py derives http://127.0.0.1:PORT for both the web
    server and the scheduler, and this says so."""
    address = f"http://127.0.0.1:{environ.get('PORT', '5000')}"
    base_url = environ.get("TRACKER_BASE_URL")
    if base_url:
        links = f"Liên kết trong lịch và e-mail dùng TRACKER_BASE_URL={base_url}."
    else:
        links = f"TRACKER_BASE_URL chưa đặt: liên kết trong lịch và e-mail dùng {address}."
    return (
        f"Mở {address} — đăng nhập lần đầu: noivu / noivu2023 (sau đó hệ thống yêu cầu đặt"
        f" mật khẩu mới)\n{links}"
    )


def up() -> None:
    ensure_venv("")
    ensure_office(required=False)
    flask("db", "upgrade")
    flask("seed")
    port = os.environ.get("PORT", "5000")
    print(f"\n{welcome(os.environ)}\n", flush=True)
    # One scheduler process beside the web server, never inside it (APScheduler's FAQ).
    scheduler = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "scheduler"], cwd=ROOT)
    try:
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "run", "--port", port], cwd=ROOT)
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.terminate()
        scheduler.wait(10)


def pytest_run(title: str, args: list[str], database_url: str | None) -> tuple[str, bool, float]:
    print(f"\n===== pytest trên {title} / tests on {title} =====\n", flush=True)
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_TEST_DATABASE_URL"}
    if database_url:
        env["TRACKER_TEST_DATABASE_URL"] = database_url
    start = time.monotonic()
    try:
        run(PY, "-m", "pytest", *args, env=env)
        passed = True
    except subprocess.CalledProcessError:
        passed = False
    return title, passed, time.monotonic() - start


def test(args: list[str]) -> None:
    """Lint and types once, then the tests on SQLite and on PostgreSQL (both, even when
    the first fails, so one CI run shows everything)."""
    quick = "--quick" in args
    sqlite = "--postgres-only" not in args
    postgres = "--sqlite-only" not in args and not quick
    pytest_args = [a for a in args if a not in ("--sqlite-only", "--postgres-only", "--quick")]
    if quick:
        pytest_args = ["-m", "not slow and not browser", *pytest_args]
    ensure_venv("test")
    ensure_chromium()
    ensure_office(required=True)
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    results = []
    if sqlite:
        results.append(pytest_run("SQLite", pytest_args, None))
    if postgres:
        given = os.environ.get("TRACKER_TEST_DATABASE_URL")
        if given:
            results.append(pytest_run(f"PostgreSQL ({given.split('@')[-1]})", pytest_args, given))
        else:
            with postgres_server() as url:
                results.append(pytest_run("PostgreSQL", pytest_args, url))
    print("\n===== Kết quả =====", flush=True)
    for title, passed, seconds in results:
        print(f"{title}: {'đạt' if passed else 'KHÔNG ĐẠT'} ({seconds / 60:.1f} phút)")
    if not all(passed for _, passed, _ in results):
        sys.exit(1)


def bench(args: list[str]) -> None:
    ensure_venv("test")
    if "--postgres" not in args:
        run(PY, "-m", "bench", *args)
        return
    with postgres_server() as url:  # the two-tier section there too
        run(PY, "-m", "bench", *[a for a in args if a != "--postgres"], "--postgres-url", url)


def help_images() -> None:
    """The pictures of templates/help/ are screenshots the browser tests take of the demo
    plan: run those tests, then keep what they took."""
    ensure_venv("test")
    ensure_chromium()
    taken = ROOT / "test-artifacts" / "help"
    shutil.rmtree(taken, ignore_errors=True)
    run(PY, "-m", "pytest", "-q", "tests/browser/test_role_days.py")
    kept = ROOT / "tracker" / "static" / "help"
    kept.mkdir(exist_ok=True)
    for picture in sorted(taken.glob("*.jpg")):
        shutil.copy2(picture, kept / picture.name)
        print(f"{picture.name}: {picture.stat().st_size // 1024} kB")


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "up":
        up()
    elif command == "test":
        test(rest)
    elif command == "bench":
        bench(rest)
    elif command == "help-images":
        help_images()
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    # A stopped run (CI's time-out, kill) unwinds like Ctrl-C: the PostgreSQL server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
    except KeyboardInterrupt:
        sys.exit(130)
