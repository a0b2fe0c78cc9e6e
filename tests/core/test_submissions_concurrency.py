"""The same create form sent twice at the same moment (apps.core.submissions): the second waits on the
first, creates nothing and is led where the first went."""

import threading
import time

import pytest
from django.db import connection

from apps.core.submissions import submit_once
from apps.councils.models import Meeting
from tests.builders import build_city

from .test_submissions import _form, _record, _request


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
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
