"""The demo's hotline: registered once, with code tables and orders received through the real intake."""

import pytest

from apps.hotline.choices import OrderState
from apps.hotline.demo import CODE, demo_hotline
from apps.hotline.models import CodeMapping, HotlineOrder
from apps.integrations.models import IntegrationClient

pytestmark = pytest.mark.django_db


def test_the_demo_hotline_has_mapped_orders_and_two_in_triage(city):
    assert demo_hotline() == 5
    client = IntegrationClient.objects.get(code=CODE)
    assert client.area == city.district
    assert CodeMapping.objects.filter(client=client).count() > 5
    states = sorted(HotlineOrder.objects.values_list("state", flat=True))
    assert states == [OrderState.MAPPED] * 3 + [OrderState.TRIAGE] * 2
    assert demo_hotline() == 0
    assert HotlineOrder.objects.count() == 5
