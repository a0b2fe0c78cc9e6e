"""Delivery on outside channels: exactly once, retried with backoff, made good after a lost message."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings

from apps.notifications.channels import Channel, DeliveryError
from apps.notifications.choices import DeliveryState, NotificationKind
from apps.notifications.models import Delivery
from apps.notifications.services import notify
from apps.notifications.tasks import deliver, deliver_pending

pytestmark = pytest.mark.django_db


class BrokenGatewayChannel(Channel):
    """An SMS gateway that is down."""

    name = "sms"

    def applies_to(self, user) -> bool:
        return True

    def send(self, notification) -> None:
        raise DeliveryError("gateway answered 503")


class CrashingChannel(Channel):
    """A channel with a bug: it fails with something other than DeliveryError."""

    name = "crash"

    def applies_to(self, user) -> bool:
        return True

    def send(self, notification) -> None:
        raise KeyError("template")


BROKEN = f"{__name__}.BrokenGatewayChannel"
CRASHING = f"{__name__}.CrashingChannel"


def escalate(user, key="escalation:order-7:1"):
    notify(
        recipients=[user],
        kind=NotificationKind.ESCALATION,
        title="派单 #7 已升级到街道",
        body="处置超时，已升级。",
        link="/dispatch/7/",
        key=key,
    )
    return Delivery.objects.get(notification__key=key, notification__recipient=user)


@override_settings(GRIDGOV_BASE_URL="https://grid.example.cn")
def test_deliver_sends_exactly_once_even_when_called_twice(people):
    delivery = escalate(people["wang"])
    deliver(delivery.pk)
    deliver(delivery.pk)
    deliver_pending()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@example.cn"]
    assert message.subject == "派单 #7 已升级到街道"
    assert "处置超时，已升级。" in message.body
    assert "https://grid.example.cn/dispatch/7/" in message.body
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.next_attempt_at is None


def test_a_delivery_that_no_longer_exists_is_ignored():
    deliver(987654321)


def test_a_recipient_who_lost_the_address_or_was_deactivated_is_skipped(people):
    wang, li = people["wang"], people["li"]
    first, second = escalate(wang), escalate(li)
    wang.email = ""
    wang.save()
    li.is_active = False
    li.save()
    deliver(first.pk)
    deliver(second.pk)
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SKIPPED}


@override_settings(NOTIFICATION_CHANNELS=[BROKEN], NOTIFICATION_MAX_ATTEMPTS=8, NOTIFICATION_RETRY_SECONDS=60)
def test_a_failing_channel_is_retried_with_backoff_and_given_up_after_the_last_attempt(people, clock):
    delivery = escalate(people["zhao"])  # no e-mail address needed: the SMS channel applies to everyone
    assert delivery.channel == "sms"
    deliver(delivery.pk)
    delays = []
    for _attempt in range(1, 8):
        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.FAILED
        assert delivery.last_error == "gateway answered 503"
        delays.append(delivery.next_attempt_at - clock.now)
        # Neither a duplicate message nor the sweeper cuts the backoff short.
        deliver(delivery.pk)
        deliver_pending()
        assert Delivery.objects.get(pk=delivery.pk).attempts == delivery.attempts
        clock.advance(seconds=delays[-1].total_seconds())
        assert deliver_pending() == 1
    assert delays == [timedelta(minutes=2**n) for n in range(7)]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (DeliveryState.FAILED, 8, None)
    clock.advance(days=1)
    assert deliver_pending() == 0
    deliver(delivery.pk)
    assert Delivery.objects.get(pk=delivery.pk).attempts == 8


@override_settings(NOTIFICATION_CHANNELS=[CRASHING])
def test_a_channel_that_crashes_counts_as_a_failed_attempt(people, caplog):
    delivery = escalate(people["wang"])
    deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.FAILED, 1, "'template'")
    assert "Channel crash failed" in caplog.text


@override_settings(NOTIFICATION_CHANNELS=[BROKEN])
def test_a_delivery_whose_channel_was_removed_is_skipped(people):
    delivery = escalate(people["wang"])
    with override_settings(NOTIFICATION_CHANNELS=[]):
        deliver(delivery.pk)
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.SKIPPED


def test_the_sweeper_delivers_what_the_broker_lost(people, clock):
    # A test's transaction never commits, so the message queued on commit is never sent: as if lost.
    delivery = escalate(people["wang"])
    assert deliver_pending() == 0
    clock.advance(seconds=59)
    assert deliver_pending() == 0
    clock.advance(seconds=2)
    assert deliver_pending() == 1
    assert len(mail.outbox) == 1
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.SENT
    assert deliver_pending() == 0
    assert len(mail.outbox) == 1


def test_the_sweeper_is_scheduled_and_routed_to_the_notifications_queue():
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["notifications-deliver-pending"]
    assert entry == {"task": "apps.notifications.tasks.deliver_pending", "schedule": 60.0}
    router = app.amqp.router
    for name in ("apps.notifications.tasks.deliver", "apps.notifications.tasks.deliver_pending"):
        assert router.route({}, name)["queue"].name == "notifications"
