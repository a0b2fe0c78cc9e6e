"""On PostgreSQL: ten deliveries of one serial at the same moment make one order and one case; two mapping
workers at once map each order once."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.models import Case, CaseEvent
from apps.hotline.choices import OrderState
from apps.hotline.models import HotlineOrder
from apps.hotline.services import orders_map
from tests.builders import build_city
from tests.hotline.support import ORDERS, body, hotline_for
from tests.integrations.support import api_with_key

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(requests) -> list:
    barrier = threading.Barrier(len(requests))
    responses: list = []
    errors: list = []

    def run(request):
        barrier.wait()
        try:
            responses.append(request())
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return responses


@pytest.mark.parametrize("codes", [{}, {"category_code": "XX-99"}], ids=["mapped", "triage"])
def test_ten_deliveries_of_one_serial_at_once_make_one_order_and_at_most_one_case(codes):
    city = build_city()
    hotline = hotline_for(city)
    # A client per thread, as ten retrying workers of the hotline would send them.
    clients = [api_with_key(hotline.key) for _ in range(10)]
    responses = _at_once(
        [lambda api=api: api.post(ORDERS, body("12345-RACE", **codes), format="json") for api in clients]
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 9 + [202], [r.json() for r in responses]
    assert HotlineOrder.objects.count() == 1
    # Every retry answers with the order the first delivery kept.
    assert len({response.json()["received_at"] for response in responses}) == 1
    assert orders_map() == 1
    assert Case.objects.count() == (0 if codes else 1)
    assert CaseEvent.objects.filter(action="report").count() == (0 if codes else 1)


def test_two_mapping_workers_at_once_map_each_order_once():
    city = build_city()
    hotline = hotline_for(city)
    api = api_with_key(hotline.key)
    for n in range(12):
        codes = {"category_code": "XX-99"} if n % 3 == 0 else {}
        assert api.post(ORDERS, body(f"12345-{n:04d}", **codes), format="json").status_code == 202
    mapped = _at_once([lambda: orders_map(batch=4), lambda: orders_map(batch=4)])
    assert sum(mapped) == 12
    assert HotlineOrder.objects.filter(state=OrderState.RECEIVED).count() == 0
    assert Case.objects.count() == 8
    assert CaseEvent.objects.filter(action="report").count() == 8
    assert HotlineOrder.objects.filter(state=OrderState.TRIAGE).count() == 4


def test_outside_a_transaction_an_intake_is_two_statements_and_a_retry_three():
    """What the API runs in production (autocommit): the order's insert and the call log; a retry's refused
    insert, the known serial and the call log. No BEGIN, COMMIT or savepoint."""
    city = build_city()
    api = api_with_key(hotline_for(city).key)
    api.post(ORDERS, body("warm-up"), format="json")  # the key is found and its last use written
    with CaptureQueriesContext(connection) as first:
        assert api.post(ORDERS, body("12345-0002"), format="json").status_code == 202
    with CaptureQueriesContext(connection) as retry:
        assert api.post(ORDERS, body("12345-0002"), format="json").status_code == 200

    def verbs(captured):
        return [query["sql"].split()[0] for query in captured.captured_queries]

    assert verbs(first) == ["INSERT", "INSERT"], first.captured_queries
    assert verbs(retry) == ["INSERT", "SELECT", "INSERT"], retry.captured_queries
    assert HotlineOrder.objects.filter(serial="12345-0002").count() == 1
