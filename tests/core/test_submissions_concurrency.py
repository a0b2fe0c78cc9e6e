"""The same create sent twice at the same moment (apps.core.submissions), as a form and through the API:
the second waits on the first, creates nothing and gets the first one's outcome."""

import threading
import time

import pytest
from django.db import connection

from apps.core.submissions import submit_once
from apps.councils.models import Meeting
from tests.api_helpers import api_as
from tests.builders import build_city

from .test_submissions import _form, _record, _request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_form_sent_at_the_same_moment_creates_once(transactional_db):
    """The second submission arrives while the first is still writing: it waits on the key's unique
    index, then finds the first one's key and is led where the first went, creating nothing."""
    town = build_city()
    user = town.users["community"]
    first_inside = threading.Event()
    created_by = []
    answers = {}

    def slow(data):
        meeting = _record(town, data["title"])
        created_by.append("first")
        first_inside.set()
        time.sleep(0.5)  # still in the transaction, key spent but not committed
        return meeting

    def fast(data):
        created_by.append("second")
        return _record(town, data["title"])

    def send(name, create, wait=None):
        try:
            if wait is not None:
                assert wait.wait(10)
            answers[name] = submit_once(
                _request(user),
                _form("same-moment", "同时提交"),
                create,
                to=lambda meeting: f"/meetings/{meeting.pk}/",
                success="ok",
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=("first", slow)),
        threading.Thread(target=send, args=("second", fast, first_inside)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    meeting = Meeting.objects.get(title="同时提交")
    assert created_by == ["first"]
    assert answers["first"].url == answers["second"].url == f"/meetings/{meeting.pk}/"


def test_the_same_api_create_sent_at_the_same_moment_creates_once(transactional_db):
    """Two deliveries of one API create with the same Idempotency-Key at once: one meeting, and both
    answers are the same 201."""
    town = build_city()
    body = {
        "area": town.communities[0].pk,
        "kind": "residents",
        "title": "同时重试",
        "held_at": "2026-01-05T19:00:00+08:00",
        "participants": [{"name": "王芳", "role": ""}],
    }
    barrier = threading.Barrier(2)
    answers = []

    def send():
        api = api_as(town.users["community"])
        barrier.wait()
        try:
            answers.append(
                api.post("/api/v1/party/meetings/", body, format="json", HTTP_IDEMPOTENCY_KEY="at-once")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Meeting.objects.filter(title="同时重试").count() == 1
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(answer.headers.get("Idempotent-Replayed", "") for answer in answers) == ["", "true"]
