"""Inputs the fuzzing of the hotline's endpoints (tests/core/test_schemathesis.py) found making server
errors: each is refused as a client error and writes nothing."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from apps.cases.models import Case
from apps.hotline.models import HotlineOrder
from tests.hotline.support import ORDERS, body, hotline_for, order_url, receive
from tests.integrations.support import api_with_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(city):
    return hotline_for(city)


@pytest.fixture
def api(hotline):
    return api_with_key(hotline.key)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"remark": "a\x00b"}, "remark"),
        ({"remark": {"nested": ["ok", "a\x00"]}}, "remark"),
        ({"re\x00mark": "ok"}, "non_field_errors"),
        ({"remark": {"ke\x00y": 1}}, "remark"),
    ],
)
def test_a_nul_character_in_a_field_the_order_keeps_unread_answers_400(city, api, extra, field):
    response = api.post(ORDERS, {**body(), **extra}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {field: ["Null characters are not allowed."]}
    assert (HotlineOrder.objects.count(), Case.objects.count()) == (0, 0)


def test_unknown_fields_with_huge_numbers_are_kept(city, api):
    response = api.post(ORDERS, {**body(), "remark": [10**400, -(10**300)]}, format="json")
    assert response.status_code == 202, response.content
    assert HotlineOrder.objects.get().payload["remark"] == [10**400, -(10**300)]


@pytest.mark.parametrize("action", ["", "withdraw", "rating"])
def test_a_serial_with_a_nul_character_answers_404(city, hotline, api, action):
    receive(hotline)
    data = {"reason": "来电人已自行解决", "rating": "satisfied"}
    url = order_url("12345-0001\x00", action)
    response = api.post(url, data, format="json") if action else api.get(url)
    assert response.status_code == 404, response.content
    assert HotlineOrder.objects.get().withdrawn_at is None


def test_the_schema_documents_the_request_examples_of_an_order_with_those_of_the_answers():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    operation = generated["paths"][ORDERS]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert examples["AWorkOrder"]["value"]["category_code"] == "HJ-01"
    assert set(operation["responses"]["202"]["content"]["application/json"]["examples"])
    assert "201" not in operation["responses"]
