"""The one reminder mechanism (apps.notifications.reminders): due rows are claimed with skip_locked, each
reminder is sent once whatever runs twice, and a sweep that fails leaves its rows due for the next."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.notifications.models import Notification
from apps.notifications.reminders import SOURCES, Due, ReminderSource, sweep, sweep_source
from apps.wishes.models import MicroWish
from apps.wishes.reminders import SOURCE as WISHES
from tests.wishes.support import post

LATER = timedelta(days=30)


def _due_wishes(city, count: int) -> list[MicroWish]:
    wishes = [post(city, title=f"心愿{number}") for number in range(count)]
    MicroWish.objects.filter(pk__in=[wish.pk for wish in wishes]).update(
        claim_by=timezone.localdate() - timedelta(days=1), remind_at=timezone.now() - timedelta(minutes=1)
    )
    return wishes


def test_every_app_with_reminders_registers_its_source_and_beat_sweeps_them():
    assert set(SOURCES) >= {
        "wishes",
        "cobuilding.open_needs",
        "projects.milestone_overdue",
        "projects.project_overdue",
        "council_tasks",
    }
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-sweep-reminders"]
    assert entry["task"] == "apps.notifications.tasks.sweep_reminders"
    assert entry["schedule"] <= 30


@pytest.mark.django_db
def test_a_sweep_sends_each_due_reminder_once_and_clears_the_row(city):
    wishes = _due_wishes(city, 3)
    assert sweep_source(WISHES) == 3
    worker = city.users["community"]
    assert Notification.objects.filter(recipient=worker, key__startswith="wish:").count() == 3
    assert not MicroWish.objects.filter(pk__in=[w.pk for w in wishes], remind_at__isnull=False).exists()
    # Due again (a retried task, a restored backup): the keys keep it from being sent twice.
    MicroWish.objects.update(remind_at=timezone.now() - timedelta(minutes=1))
    assert sweep()["wishes"] == 3
    assert Notification.objects.filter(recipient=worker, key__startswith="wish:").count() == 3


@pytest.mark.django_db
def test_rows_not_yet_due_are_left_alone(city):
    wish = post(city)
    MicroWish.objects.filter(pk=wish.pk).update(remind_at=timezone.now() + LATER)
    assert sweep_source(WISHES) == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_sweep_that_fails_sends_nothing_and_leaves_the_rows_due(city):
    _due_wishes(city, 2)
    calls = []

    def failing(row, moment):
        calls.append(row.pk)
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return WISHES.due(row, moment)

    with pytest.raises(RuntimeError):
        sweep_source(ReminderSource(name="failing", rows=WISHES.rows, due=failing))
    assert not Notification.objects.exists()
    assert MicroWish.objects.filter(remind_at__isnull=False).count() == 2
    assert sweep_source(WISHES) == 2
    assert Notification.objects.filter(recipient=city.users["community"]).count() == 2


@pytest.mark.django_db
def test_an_answer_in_the_past_clears_the_row_instead_of_looping(city):
    _due_wishes(city, 1)
    source = ReminderSource(
        name="stale", rows=WISHES.rows, due=lambda _row, moment: Due(None, moment - timedelta(hours=1))
    )
    assert sweep_source(source) == 1
    assert not MicroWish.objects.filter(remind_at__isnull=False).exists()


@pytest.mark.django_db
def test_batches_cover_every_due_row(city):
    _due_wishes(city, 5)
    source = ReminderSource(name="small", rows=WISHES.rows, due=WISHES.due, batch=2)
    assert sweep_source(source) == 5
    assert Notification.objects.filter(recipient=city.users["community"]).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_send_each_reminder_once(city):
    _due_wishes(city, 30)
    barrier = threading.Barrier(2)
    handled: list[int] = []

    def run():
        barrier.wait()
        try:
            handled.append(
                sweep_source(ReminderSource(name="race", rows=WISHES.rows, due=WISHES.due, batch=5))
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(handled) == 30
    assert Notification.objects.filter(recipient=city.users["community"]).count() == 30
