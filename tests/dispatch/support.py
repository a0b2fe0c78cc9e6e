"""What the case and dispatch tests share: a clock to move, cases brought to a state through the real
services, and throwaway Redis servers and Celery workers for the tests that run processes of their own.

The services read `django.utils.timezone.now()`; tests in one process move time by replacing that one
function (`install_clock`). A worker in a process of its own reads the real clock, so the tests that run
one reschedule the deadlines instead, from an earlier start.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.cases.choices import Channel
from apps.cases.models import Case
from apps.cases.services import case_accept, case_report
from apps.dispatch.choices import OrderKind
from apps.dispatch.services import whistle_blow
from tests.builders import build_city

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "Grid-Test-Passw0rd"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in Shanghai time, as people read deadlines."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class Clock:
    """`timezone.now` under the test's control."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment


def install_clock(monkeypatch, start: datetime) -> Clock:
    clock = Clock(start)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def report(city, *, actor=None, area=None, category=None, title: str = "楼道堆物", **extra) -> Case:
    case, _created = case_report(
        actor=actor or city.users["gridworker"],
        channel=Channel.GRID_WORKER,
        category=category or city.categories[1],
        area=area or city.buildings[0],
        title=title,
        description="楼道里堆满杂物，影响通行",
        **extra,
    )
    return case


def accepted(city, *, by: str = "street", **extra) -> Case:
    case = report(city, **extra)
    return case_accept(case=case, actor=city.users[by])


def whistled(city, *, kind: str = OrderKind.EMERGENCY, by: str = "community", departments=None):
    """An accepted case on which `by` (community, street or district) has blown a whistle."""
    case = accepted(city)
    whistle = whistle_blow(
        case=case,
        kind=kind,
        departments=departments or [city.departments[1]],
        actor=city.users[by],
        reason="需要部门到场",
    )
    return case, whistle


def district_handler(city):
    """A handler for the district department (the city has one only for the first street's)."""
    user = user_create(username="dept0", password=PASSWORD, full_name="dept0")
    role_grant(actor=None, user=user, role=Role.DEPARTMENT_HANDLER, department=city.departments[0])
    return user


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


# Processes of their own.


def database_url() -> str:
    """The test database, for a worker in another process (it sees what the test committed)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server that a test may stop and start again on the same port."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        if not wait_until(lambda: self._answers(client), timeout=10, interval=0.05):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    @staticmethod
    def _answers(client) -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


class Worker:
    """A Celery worker (with beat when asked) in a process group of its own, so that it can be killed
    whole, embedded beat included."""

    def __init__(
        self, directory: Path, broker: str, *, queues: str, beat: bool = False, sweep_seconds: float = 2
    ):
        self.directory = directory
        self.log = directory / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker,
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "GRIDGOV_SWEEP_SECONDS": str(sweep_seconds),
        }
        self.args = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
            "--queues", queues, "--without-mingle", "--without-gossip", "--loglevel", "INFO",
            "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip
        if beat:
            self.args += ["--beat", "--schedule", str(directory / f"beat-{uuid.uuid4().hex[:6]}")]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                self.args,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def ran(self, task: str) -> bool:
        """Whether the worker has finished a run of `task` (its log says so)."""
        return self.log.exists() and any(
            f"Task {task}[" in line and "succeeded" in line for line in self.log.read_text().splitlines()
        )

    def kill(self) -> None:
        """SIGKILL the worker and everything it started: no chance to finish or acknowledge anything."""
        if self.process is None:
            return
        # The group outlives the worker while its embedded beat lives on.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown, then SIGKILL for whatever of the group is left."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        self.kill()


def city_per_module():
    """A `city` fixture built once per test module instead of once per test (building one takes a few
    seconds). It lives in a transaction of the module's own, rolled back at the end; each test runs in a
    savepoint inside it, as with Django's setUpTestData. Only for modules without transactional tests."""

    @pytest.fixture(scope="module")
    def city(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build_city()
            transaction.set_rollback(True)

    return city
