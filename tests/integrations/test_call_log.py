"""The call log of API keys keeps every call, also one whose path PostgreSQL text cannot hold as sent."""

import pytest
from django.urls import reverse

from apps.integrations.models import ApiCall
from tests.integrations.support import api_with_key, register

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_the_path_is_logged_as_a_replacement_character(city):
    client, raw = register(city.district)
    response = api_with_key(raw).get(reverse("api:hotline-order", args=["12345-0001\x00"]))
    assert response.status_code == 404, response.content
    call = ApiCall.objects.get(client=client)
    assert (call.method, call.path, call.status) == ("GET", "/api/v1/hotline/orders/12345-0001\ufffd/", 404)
