"""A JSON body nested too deeply for Python's parser is a 400, not a server error, on every endpoint."""

import pytest

from tests.api_helpers import api_as
from tests.hotline.support import ORDERS, hotline_for
from tests.integrations.support import api_with_key

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_deeply_nested_body_is_refused_with_400(city):
    response = api_as(city.users["street"]).post("/api/v1/cases/", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]["message"]


def test_a_deeply_nested_work_order_is_refused_with_400(city):
    hotline = hotline_for(city)
    response = api_with_key(hotline.key).post(ORDERS, data=DEEP, content_type="application/json")
    assert response.status_code == 400
