"""End to end: a real Celery worker on a Redis of the test's own, a real HTTP receiver on loopback. The
receiver is down for a simulated hour (connections refused, then 503): the deliveries are retried, and
once it is up all of them arrive, each exactly once, in order, signed.

The worker reads the real clock, so the hour passes by moving the rows: each step makes the pending
deliveries due and puts their start ten minutes further back. The test commits (the worker must see it).
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from apps.cases.services import case_accept
from apps.webhooks.choices import DeliveryState
from apps.webhooks.models import WebhookDelivery
from config.celery import app
from tests.cases.api_support import report
from tests.dispatch.support import RedisServer, Worker, wait_until
from tests.integrations.support import register
from tests.webhooks.support import Receiver, subscribe

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PUMP = "apps.webhooks.tasks.pump"


def attempts_of_first() -> int:
    first = WebhookDelivery.objects.order_by("occurred_at", "case_event_id").first()
    return first.attempts if first else 0


@pytest.mark.redis
@pytest.mark.timeout(240)
def test_a_receiver_down_for_an_hour_loses_nothing(city, tmp_path):
    hotline, _key = register(city.streets[0])
    receiver = Receiver()  # not listening yet: connections are refused
    subscription, secret = subscribe(hotline, receiver.url)
    for n in range(3):
        case = report(city, title=f"占道经营{n}")
    case_accept(case=case, actor=city.users["street"])
    broker = RedisServer(tmp_path)
    broker.start()
    worker = Worker(tmp_path, broker.url, queues="notifications")

    def pump() -> None:
        with app.connection_for_write(broker.url) as connection:
            app.send_task(PUMP, queue="notifications", connection=connection)

    try:
        worker.start()
        pump()
        assert wait_until(
            lambda: WebhookDelivery.objects.count() == 4 and attempts_of_first() == 1, timeout=90
        )
        errors = set(WebhookDelivery.objects.values_list("last_error", flat=True))
        assert any("refused" in error.lower() for error in errors), errors
        for step in range(6):  # six times ten minutes
            if step == 3:
                receiver.status = 503
                receiver.start()
            before = attempts_of_first()
            WebhookDelivery.objects.filter(state=DeliveryState.PENDING).update(
                next_attempt_at=timezone.now(), retrying_since=F("retrying_since") - timedelta(minutes=10)
            )
            pump()
            assert wait_until(lambda before=before: attempts_of_first() > before, timeout=60), step
            assert receiver.received == []
        assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.PENDING}
        assert (
            WebhookDelivery.objects.order_by("occurred_at", "case_event_id").first().last_status_code == 503
        )
        receiver.status = 200
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        pump()
        assert wait_until(
            lambda: not WebhookDelivery.objects.exclude(state=DeliveryState.DELIVERED).exists(), timeout=60
        ), list(WebhookDelivery.objects.values("state", "attempts", "last_error"))
        # Another round finds nothing more to send.
        pump()
        assert wait_until(lambda: worker.log.read_text().count(f"Task {PUMP}[") >= 2 * 9, timeout=30)
    finally:
        worker.stop()
        broker.stop()
        receiver.stop()
    log = worker.log.read_text()
    assert "Traceback" not in log, log[-3000:]
    deliveries = list(WebhookDelivery.objects.order_by("occurred_at", "case_event_id"))
    arrived = [item.delivery for item in receiver.verified(secret)]
    assert Counter(arrived) == Counter(d.pk for d in deliveries)  # each exactly once
    assert arrived == [d.pk for d in deliveries]  # in the order of the events
    assert [item.json["type"] for item in receiver.received] == [
        "case.created",
        "case.created",
        "case.created",
        "case.status_changed",
    ]
    assert deliveries[0].attempts == 8
    assert all(d.delivered_at is not None and d.last_status_code == 200 for d in deliveries)
    assert subscription.deliveries.count() == 4


def test_the_tasks_run_on_the_notifications_queue_and_beat_pumps():
    assert app.amqp.router.route({}, PUMP)["queue"].name == "notifications"
    assert app.amqp.router.route({}, "apps.webhooks.tasks.deliver")["queue"].name == "notifications"
    assert any(entry["task"] == PUMP for entry in app.conf.beat_schedule.values())
