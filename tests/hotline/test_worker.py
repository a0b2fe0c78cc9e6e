"""End to end with a real Celery worker: an order delivered through the API is mapped by the worker, queued
by the delivery itself; one whose message is lost is mapped by the beat sweep."""

import pytest
from django.core.cache import cache

from apps.cases.models import Case
from apps.hotline.choices import OrderState
from apps.hotline.models import HotlineOrder
from apps.hotline.services import MAP_FLAG
from config.celery import app
from tests.builders import build_city
from tests.dispatch.support import Worker, wait_until
from tests.hotline.support import ORDERS, body, hotline_for
from tests.integrations.support import api_with_key

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]
TASK = "apps.hotline.tasks.map_received"


def mapped(serial: str) -> bool:
    return HotlineOrder.objects.filter(serial=serial, state=OrderState.MAPPED).exists()


def test_a_delivery_queues_its_mapping_and_the_worker_creates_the_case(tmp_path, settings):
    city = build_city()
    api = api_with_key(hotline_for(city).key)
    cache.delete(MAP_FLAG)
    worker = Worker(tmp_path, settings.REDIS_URL, queues="default")
    worker.start()
    try:
        response = api.post(ORDERS, body("12345-W1"), format="json")
        assert response.status_code == 202, response.json()
        assert wait_until(lambda: mapped("12345-W1"), timeout=120), worker.log.read_text()
    finally:
        worker.stop()
    assert worker.ran(TASK), worker.log.read_text()
    case = Case.objects.get()
    assert (case.external_ref, HotlineOrder.objects.get().case) == ("12345-W1", case)
    assert api.get(f"{ORDERS}12345-W1/").json()["case"]["serial"] == case.serial


def test_an_order_whose_message_was_lost_is_mapped_by_the_sweep(tmp_path, settings):
    city = build_city()
    api = api_with_key(hotline_for(city).key)
    # The flag says a run is queued, as it does when the run's message was lost: the delivery queues none,
    # and no message of an earlier test is left to map it.
    cache.set(MAP_FLAG, 1, timeout=300)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("default")
    try:
        assert api.post(ORDERS, body("12345-S1"), format="json").status_code == 202
        worker = Worker(tmp_path, settings.REDIS_URL, queues="default", beat=True)
        worker.env["GRIDGOV_HOTLINE_SECONDS"] = "2"
        worker.start()
        try:
            assert wait_until(lambda: mapped("12345-S1"), timeout=120), worker.log.read_text()
        finally:
            worker.stop()
        assert "hotline-map-received" in worker.log.read_text()
    finally:
        cache.delete(MAP_FLAG)
    assert Case.objects.filter(external_ref="12345-S1").count() == 1
