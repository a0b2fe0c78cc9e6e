"""The same effect twice at the same moment on PostgreSQL: one notification, one mail."""

import threading

import pytest
from django.core import mail
from django.db import connection

from apps.notifications.choices import NotificationKind
from apps.notifications.models import Delivery, Notification
from apps.notifications.services import notify
from apps.notifications.tasks import deliver, deliver_pending

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*actions) -> list:
    barrier = threading.Barrier(len(actions))
    outcomes: list = []

    def run(action):
        barrier.wait()
        try:
            outcomes.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=[action]) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _remind(recipients):
    return notify(
        recipients=recipients,
        kind=NotificationKind.REMINDER,
        title="请尽快签收派单 #3",
        link="/dispatch/3/",
        key="reminder:deadline-3:50",
    )


def test_the_same_reminder_sent_twice_at_once_is_created_once(people, queued):
    everyone = list(people.values())
    outcomes = _race(lambda: _remind(everyone), lambda: _remind(everyone))
    assert sum(len(created) for created in outcomes) == 3
    assert Notification.objects.count() == 3
    assert Delivery.objects.count() == 2
    # Each delivery was queued by the transaction that created it, once.
    assert sorted(queued) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_a_delivery_attempted_by_two_workers_and_the_sweeper_at_once_is_sent_once(people, queued, clock):
    _remind([people["wang"]])
    delivery = Delivery.objects.get()
    clock.advance(seconds=61)
    _race(lambda: deliver(delivery.pk), lambda: deliver(delivery.pk), deliver_pending, deliver_pending)
    assert len(mail.outbox) == 1
