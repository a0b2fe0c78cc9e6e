"""Sending: signed POSTs to a real receiver on loopback, exponential backoff, giving up after 72 hours,
order, and redelivery by hand. Time is moved by moving the rows (next attempt, retrying since)."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.cases.services import case_accept
from apps.webhooks.choices import DeliveryState
from apps.webhooks.delivery import backoff, deliver_subscription
from apps.webhooks.models import WebhookDelivery, WebhookSubscription
from apps.webhooks.services import delivery_redeliver, subscription_update
from tests.cases.api_support import report
from tests.integrations.support import register
from tests.webhooks.support import Receiver, pump, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def hotline(city):
    client, _key = register(city.streets[0])
    return client


def make_due(subscription) -> None:
    """Move time on: every pending delivery's next attempt has come."""
    WebhookDelivery.objects.filter(subscription=subscription, state=DeliveryState.PENDING).update(
        next_attempt_at=timezone.now()
    )


def test_a_receiver_verifies_the_signature_of_each_delivery(city, hotline, receiver):
    subscription, secret = subscribe(hotline, receiver.url)
    case = report(city)
    case_accept(case=case, actor=city.users["street"])
    assert pump(subscription) == 2
    first, second = receiver.received
    assert first.json["type"] == first.headers["X-GridGov-Event"] == "case.created"
    assert second.headers["X-GridGov-Event"] == "case.status_changed"
    # The receiver's own computation, as docs/webhooks.md shows it.
    timestamp = first.headers["X-GridGov-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + first.body, hashlib.sha256).hexdigest()
    assert first.headers["X-GridGov-Signature"] == f"sha256={expected}"
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    assert receiver.verified(secret)
    # Another secret, or a body changed on the way, does not verify.
    other = hmac.new(b"whsec_other", f"{timestamp}.".encode() + first.body, hashlib.sha256).hexdigest()
    assert first.headers["X-GridGov-Signature"] != f"sha256={other}"
    tampered = first.body.replace(case.serial.encode(), b"20200101" + b"0" * 7)
    assert tampered != first.body
    forged = hmac.new(secret.encode(), f"{timestamp}.".encode() + tampered, hashlib.sha256).hexdigest()
    assert first.headers["X-GridGov-Signature"] != f"sha256={forged}"
    delivery = WebhookDelivery.objects.get(pk=first.delivery)
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.last_response == "ok"
    assert json.loads(first.body) == delivery.payload
    assert delivery.delivered_at is not None


def test_the_backoff_doubles_from_30_seconds_up_to_an_hour():
    waits = [backoff(n).total_seconds() for n in range(1, 11)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_a_receiver_that_is_down_is_retried_on_the_schedule(city, hotline, receiver):
    subscription, _ = subscribe(hotline, receiver.url, events=["case.created"])
    receiver.stop()  # connections are refused
    report(city)
    waits = []
    for _ in range(9):
        pump(subscription)
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == DeliveryState.PENDING
        assert delivery.last_status_code is None
        assert "Connection refused" in delivery.last_error or "URLError" in delivery.last_error
        waits.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
        # Not yet due: a run before the backoff has passed sends nothing.
        assert deliver_subscription(subscription_id=subscription.pk) == (0, False)
        make_due(subscription)
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    receiver.start()
    pump(subscription)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.attempts == 10
    assert len(receiver.received) == 1


def test_it_gives_up_only_after_72_hours(city, hotline, receiver):
    receiver.status = 503
    subscription, _ = subscribe(hotline, receiver.url, events=["case.created"])
    report(city)
    pump(subscription)
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 503
    assert delivery.last_error == "HTTP 503"
    assert delivery.last_response == "unavailable"
    delivery.retrying_since = timezone.now() - timedelta(hours=71, minutes=59)
    delivery.next_attempt_at = timezone.now()
    delivery.save()
    pump(subscription)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.attempts == 2
    delivery.retrying_since = timezone.now() - timedelta(hours=72)
    delivery.next_attempt_at = timezone.now()
    delivery.save()
    pump(subscription)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.next_attempt_at is None
    assert delivery.attempts == 3
    make_due(subscription)
    assert pump(subscription) == 0


def test_later_deliveries_wait_behind_one_backing_off_and_arrive_in_order(city, hotline, receiver):
    subscription, _ = subscribe(hotline, receiver.url, events=["case.created"])
    receiver.status = 503
    cases = [report(city, title=f"堆物{n}") for n in range(3)]
    assert pump(subscription) == 1  # the receiver is unavailable: the run stops at the first
    first, *later = WebhookDelivery.objects.order_by("case_event_id")
    assert first.attempts == 1
    assert all(d.attempts == 0 and d.next_attempt_at == first.next_attempt_at for d in later)
    # A new event while the subscription backs off waits too.
    cases.append(report(city, title="堆物3"))
    pump(subscription)
    assert WebhookDelivery.objects.order_by("-case_event_id").first().next_attempt_at == first.next_attempt_at
    receiver.status = 200
    make_due(subscription)
    assert pump(subscription) == 4
    assert [item.json["case"]["id"] for item in receiver.received] == [case.pk for case in cases]


def test_a_delivery_the_receiver_refuses_delays_only_itself(city, hotline, receiver):
    subscription, _ = subscribe(hotline, receiver.url, events=["case.created"])
    receiver.status = 400
    report(city)
    report(city)
    assert pump(subscription) == 2
    assert set(WebhookDelivery.objects.values_list("state", "attempts", "last_status_code")) == {
        (DeliveryState.PENDING, 1, 400)
    }


def test_redeliver_sends_again_now_even_when_failed_or_delivered(city, hotline, receiver):
    subscription, _ = subscribe(hotline, receiver.url, events=["case.created"])
    report(city)
    receiver.status = 503
    pump(subscription)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED, next_attempt_at=None, retrying_since=timezone.now() - timedelta(days=4)
    )
    receiver.status = 200
    assert pump(subscription) == 0
    delivery = delivery_redeliver(actor=hotline.user, delivery=delivery)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    assert pump(subscription) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    delivery_redeliver(actor=None, delivery=delivery)
    assert pump(subscription) == 1
    assert [item.delivery for item in receiver.received] == [delivery.pk, delivery.pk]
    assert receiver.received[0].body == receiver.received[1].body


def test_only_the_client_itself_or_an_administrator_redelivers(city, hotline, receiver, superuser):
    subscription, _ = subscribe(hotline, receiver.url, events=["case.created"])
    report(city)
    pump(subscription)
    delivery = WebhookDelivery.objects.get()
    other, _ = register(city.streets[1], code="other")
    for actor in (other.user, city.users["district"]):
        with pytest.raises(ValidationError):
            delivery_redeliver(actor=actor, delivery=delivery)
    delivery_redeliver(actor=superuser, delivery=delivery)
    subscription_update(actor=None, subscription=subscription, is_active=False)
    with pytest.raises(ValidationError, match="inactive"):
        delivery_redeliver(actor=hotline.user, delivery=delivery)


def test_one_worker_at_a_time_sends_a_subscriptions_deliveries(city, hotline, receiver):
    subscription, _ = subscribe(hotline, receiver.url, events=["case.created"])
    report(city)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        leased_until=timezone.now() + timedelta(minutes=1)
    )
    assert pump(subscription) == 0
    assert receiver.received == []
    # A lease left by a worker that was killed runs out.
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        leased_until=timezone.now() - timedelta(seconds=1)
    )
    assert pump(subscription) == 1
    assert WebhookSubscription.objects.get(pk=subscription.pk).leased_until is None
