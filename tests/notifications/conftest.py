"""Fixtures of the notification tests: people with and without mail, the queue, a clock to move."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.services import user_create
from apps.notifications import tasks

PASSWORD = "Grid-Test-Passw0rd"


@pytest.fixture
def people(db):
    """Three handlers: two with an e-mail address, one without."""
    return {
        "wang": user_create(username="wang", password=PASSWORD, full_name="王芳", email="wang@example.cn"),
        "li": user_create(username="li", password=PASSWORD, full_name="李强", email="li@example.cn"),
        "zhao": user_create(username="zhao", password=PASSWORD, full_name="赵敏"),
    }


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The delivery ids queued for the worker, instead of sending them to a broker."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.deliver, "delay", ids.append)
    return ids


class Clock:
    def __init__(self, start):
        self.now = start

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """`timezone.now` under the test's control: `clock.advance(seconds=61)`."""
    fixed = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", fixed)
    return fixed
