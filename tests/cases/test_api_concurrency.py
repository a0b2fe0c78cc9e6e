"""Two API requests at the same moment on PostgreSQL: one case per idempotency key, one acceptance."""

import threading

import pytest
from django.db import connection

from apps.cases.choices import CaseStatus, Channel
from apps.cases.models import Case, CaseEvent
from tests.api_helpers import api_as
from tests.builders import build_city
from tests.cases.api_support import CASES, case_url, report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*requests) -> list:
    barrier = threading.Barrier(len(requests))
    responses: list = []

    def run(request):
        barrier.wait()
        try:
            responses.append(request())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_the_same_idempotency_key_twice_at_once_reports_one_case():
    city = build_city()
    body = {
        "category": city.categories[1].pk,
        "area": city.buildings[0].pk,
        "channel": Channel.SYSTEM,
        "title": "井盖缺失",
        "description": "人行道井盖缺失",
    }
    # Two clients of one user, as a retrying system would send them.
    first, second = api_as(city.users["street"]), api_as(city.users["street"])
    responses = _at_once(
        *(
            lambda api=api: api.post(CASES, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
            for api in (first, second)
        )
    )
    assert sorted(response.status_code for response in responses) == [200, 201]
    assert len({response.json()["id"] for response in responses}) == 1
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="report").count() == 1


def test_two_staff_accepting_at_once_one_wins_the_other_gets_409():
    city = build_city()
    case = report(city)
    street, community = api_as(city.users["street"]), api_as(city.users["community"])
    responses = _at_once(
        lambda: street.post(case_url(case, "accept"), format="json"),
        lambda: community.post(case_url(case, "accept"), format="json"),
    )
    assert sorted(response.status_code for response in responses) == [200, 409]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1
