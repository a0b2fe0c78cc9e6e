"""Two people following up the same resolution at once: exactly one follow-up, the other a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.cases.models import Case
from apps.councils.choices import FollowUp
from apps.councils.models import Resolution, Task
from apps.councils.services import resolution_make_case, resolution_make_task, task_complete
from tests.builders import build_city

from .support import a_resolution, a_task, in_days

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city(transactional_db):
    return build_city()


def _race(*actions) -> list:
    barrier = threading.Barrier(len(actions))
    outcomes: list = []

    def run(action):
        barrier.wait()
        try:
            outcomes.append(action())
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_task_and_a_case_made_at_once_leave_one_follow_up(city):
    resolution = a_resolution(city)
    owner = city.users["community"]
    outcomes = _race(
        lambda: resolution_make_task(
            actor=city.users["community"], resolution=resolution, owner=owner, deadline=in_days(5)
        ),
        lambda: resolution_make_case(
            actor=city.users["party"],
            resolution=resolution,
            category=city.categories[1],
            owner=owner,
            deadline=in_days(5),
        ),
    )
    assert sum(isinstance(outcome, ValidationError) for outcome in outcomes) == 1
    resolution.refresh_from_db()
    made = (
        Task.objects.filter(resolution=resolution).count()
        + Case.objects.filter(idempotency_key=f"resolution-{resolution.pk}").count()
    )
    assert made == 1
    assert resolution.follow_up in (FollowUp.TASK, FollowUp.CASE)


def test_the_same_case_asked_twice_at_once_is_reported_once(city):
    resolution = a_resolution(city)
    make = lambda: resolution_make_case(  # noqa: E731
        actor=city.users["community"],
        resolution=resolution,
        category=city.categories[1],
        owner=city.users["community"],
        deadline=in_days(5),
    )
    outcomes = _race(make, make)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Case", "ValidationError"]
    assert Case.objects.filter(idempotency_key=f"resolution-{resolution.pk}").count() == 1
    assert Resolution.objects.get(pk=resolution.pk).case_id is not None


def test_a_task_completed_twice_at_once_is_done_once(city):
    task = a_task(city)
    outcomes = _race(
        lambda: task_complete(actor=city.users["community"], task=task, report="甲"),
        lambda: task_complete(actor=city.users["party"], task=task, report="乙"),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Task", "ValidationError"]
    assert task.events.count() == 2
