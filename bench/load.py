"""A real multi-process server and a crowd of clients, for the load benchmark and the
fault tests: gunicorn with several workers on a loopback port, serving an instance
folder; clients that sign in, take a CSRF token and post progress reports at once.

A report post answers 302 (to the report's page) when it is committed; anything else,
or a connection that breaks, is not an acknowledgement.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Activity, Assignment, ProgressReport, ReportingPeriod, Unit

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn -w N wsgi:app` on an instance folder, as production runs it."""

    def __init__(self, instance: Path, workers: int = 4, **settings: str) -> None:
        self.instance, self.workers, self.port = instance, workers, free_port()
        self.env = {
            **os.environ,
            "TRACKER_INSTANCE_DIR": str(instance),
            "TRACKER_ATTACHMENTS_DIR": str(instance / "attachments"),
            "SECRET_KEY": "load-test",
            **settings,
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        command = [sys.executable, "-m", "gunicorn", "-w", str(self.workers)]
        command += ["-b", f"127.0.0.1:{self.port}", "--timeout", "60", "wsgi:app"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/login", timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()  # not left running behind the failed test (its workers neither)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc."""
        assert self.process is not None
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid == self.process.pid:
                    found.append(int(entry.name))
        return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # a 302 after a post is the answer we want to see


class Client:
    """One signed-in browser: its own cookies and CSRF token."""

    def __init__(self, base: str, username: str, password: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = self._token("/login")
        status = self.post("/login", {"username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in failed: {status}")
        self.token = self._token("/account/password")

    def _token(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            page = response.read().decode()
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert found, path
        return found.group(1)

    def post(self, path: str, data: dict[str, str]) -> int:
        """The status, or 0 when the connection broke."""
        body = urllib.parse.urlencode({**data, "csrf_token": self.token}).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=60):
                return 200
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def post_for_location(self, path: str, data: dict[str, str]) -> str:
        """Post; the Location of its redirect ("" when it did not redirect)."""
        body = urllib.parse.urlencode({**data, "csrf_token": self.token}).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=120):
                return ""
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location", "") if exc.code == 302 else ""
            return location.removeprefix(self.base)

    def get(self, path: str) -> int:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0


@dataclass
class Outcome:
    path: str
    status: int
    seconds: float

    @property
    def acknowledged(self) -> bool:
        return self.status == 302


def report_targets(app: Flask, count: int) -> list[tuple[int, int]]:
    """`count` distinct (assignment, period) pairs of real units (not vague groups) of the
    same plan, with no report yet."""
    with app.app_context():
        assignments = db.session.execute(
            select(Assignment.id, Activity.plan_id)
            .join(Activity, Assignment.activity_id == Activity.id)
            .join(Unit, Assignment.unit_id == Unit.id)
            .where(Unit.kind.not_in(("vague", "group")))
            .order_by(Assignment.id)
        ).all()
        periods = db.session.execute(
            select(ReportingPeriod.id, ReportingPeriod.plan_id).order_by(ReportingPeriod.id)
        ).all()
        reported = set(
            db.session.execute(select(ProgressReport.assignment_id, ProgressReport.period_id))
        )
        db.session.remove()  # its connection back to the pool, which dispose() then closes
        db.engine.dispose()  # the server's processes open their own connections
    pairs = [
        (a, p)
        for p, period_plan in periods
        for a, plan in assignments
        if plan == period_plan and (a, p) not in reported
    ]
    assert len(pairs) >= count, len(pairs)
    return pairs[:count]


def report_paths(targets: list[tuple[int, int]]) -> list[str]:
    return [f"/assignments/{a}/periods/{p}/report" for a, p in targets]


def post_reports_at_once(
    client: Client, paths: list[str], during: Callable[[], None] | None = None
) -> list[Outcome]:
    """One thread per report, released together; `during` runs once they are under way."""
    barrier = threading.Barrier(len(paths) + 1)
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def one(path: str) -> None:
        barrier.wait()
        start = time.perf_counter()
        status = client.post(
            path, {"status": "in_progress", "result": "Đang thực hiện", "action": "submit"}
        )
        with lock:
            outcomes.append(Outcome(path, status, time.perf_counter() - start))

    threads = [threading.Thread(target=one, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    barrier.wait()
    if during:
        during()
    for thread in threads:
        thread.join(120)
    return outcomes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(round(share * len(ordered)) - 1, 0)]


def sign_ins_at_once(base: str, count: int, username: str, password: str) -> list[int]:
    """`count` browsers sign in at the same moment; their statuses (302 = signed in)."""
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        with opener.open(base + "/login", timeout=60) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrf_token": token.group(1)}
        ).encode()
        barrier.wait()
        try:
            with opener.open(urllib.request.Request(base + "/login", data=body), timeout=60):
                status = 200
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses


def writers(clients: list[Client], paths: list[str]) -> tuple[list[Outcome], float]:
    """Each client posts its share of `paths` one after another, all clients at once;
    (outcomes, seconds for all)."""
    shares = [paths[i :: len(clients)] for i in range(len(clients))]
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def run(client: Client, mine: list[str]) -> None:
        for path in mine:
            start = time.perf_counter()
            status = client.post(
                path, {"status": "in_progress", "result": "Đang thực hiện", "action": "submit"}
            )
            with lock:
                outcomes.append(Outcome(path, status, time.perf_counter() - start))

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(clients, shares, strict=True)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return outcomes, time.perf_counter() - start
