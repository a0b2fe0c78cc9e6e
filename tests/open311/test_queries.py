"""GET requests.json costs the same number of queries for 5 rows as for 50."""

import pytest
from django.core.cache import cache

from apps.dispatch.services import case_dispatch
from tests.cases.api_support import accepted, report
from tests.integrations.support import register

from .support import georeport, url

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# The key (1), its use noted (1, at most once a minute), the client's scope (1), the cases with their
# categories, departments, places, status notes and due times (1), and the call log (1).
QUERIES = 5


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.mark.parametrize("rows", [5, 50])
def test_get_requests_costs_constant_queries(city, django_assert_num_queries, rows):
    _client, raw = register(city.streets[0], code="citizen-app")
    for n in range(rows):
        if n % 5 == 0:
            case = accepted(city, title=f"案件{n}")
            case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
        else:
            report(city, actor="street", title=f"案件{n}", area=city.buildings[n % 4])
    api = georeport()
    with django_assert_num_queries(QUERIES):
        response = api.get(url("requests", "json"), {"api_key": raw})
    assert response.status_code == 200
    body = response.json()
    assert len(body) == rows
    assert sum(1 for row in body if row["expected_datetime"]) == (rows + 4) // 5
