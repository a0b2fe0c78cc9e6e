"""Ten deliveries of one serial at the same moment on PostgreSQL: one order, one case."""

import threading

import pytest
from django.db import connection

from apps.cases.models import Case, CaseEvent
from apps.hotline.models import HotlineOrder
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
    first = 201 if not codes else 202
    assert statuses == [200] * 9 + [first], [r.json() for r in responses]
    assert HotlineOrder.objects.count() == 1
    assert Case.objects.count() == (0 if codes else 1)
    assert CaseEvent.objects.filter(action="report").count() == (0 if codes else 1)
    assert len({str(response.json()["case"]) for response in responses}) == 1
