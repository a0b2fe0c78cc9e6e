"""Delivery of notifications on outside channels. Both tasks are idempotent: running one twice, or a
message and the sweeper at once, sends nothing twice (the row lock in `delivery_attempt`)."""

import time

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import reminders
from .selectors import deliveries_due
from .services import delivery_attempt


@shared_task(name="apps.notifications.tasks.deliver")
def deliver(delivery_id: int) -> None:
    """Attempt one delivery; queued on commit by `notify` and `delivery_retry`."""
    delivery_attempt(delivery_id=delivery_id)


@shared_task(name="apps.notifications.tasks.deliver_pending")
def deliver_pending() -> int:
    """The sweeper (celery beat, every minute): attempt the deliveries that are due, those whose queued
    message was lost and those whose backoff has passed. Returns how many it attempted.

    It stops after NOTIFICATION_SWEEP_SECONDS, before the next sweep starts, and leaves the rest to it;
    two sweeps at once pass over each other's rows."""
    stop = time.monotonic() + settings.NOTIFICATION_SWEEP_SECONDS
    attempted = 0
    for delivery_id in deliveries_due(now=timezone.now(), limit=settings.NOTIFICATION_SWEEP_BATCH):
        if time.monotonic() >= stop:
            break
        if delivery_attempt(delivery_id=delivery_id, sweeping=True) is not None:
            attempted += 1
    return attempted


@shared_task(name="apps.notifications.tasks.sweep_reminders", acks_late=True, ignore_result=True)
def sweep_reminders() -> dict[str, int]:
    """Celery beat, every 30 seconds: the reminders of every app that registered a source
    (apps.notifications.reminders). Idempotent and safe beside another sweeper."""
    return reminders.sweep()
