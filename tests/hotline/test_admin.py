"""The admin of code tables and received orders: every page renders for a superuser; mappings outside the
client's area limit are refused; orders are read-only."""

import pytest
from django.urls import reverse

from apps.hotline.choices import MappingKind
from apps.hotline.models import CodeMapping, HotlineOrder
from tests.hotline.support import hotline_for, receive

pytestmark = pytest.mark.django_db


def test_the_admin_pages_render(city, client, superuser):
    hotline = hotline_for(city)
    mapped = receive(hotline).order
    receive(hotline, "A-2", category_code="XX-99")
    client.force_login(superuser)
    for url in (
        reverse("admin:hotline_codemapping_changelist"),
        reverse("admin:hotline_codemapping_changelist") + "?kind=area&q=SQ",
        reverse("admin:hotline_codemapping_add"),
        reverse("admin:hotline_codemapping_change", args=[CodeMapping.objects.first().pk]),
        reverse("admin:hotline_hotlineorder_changelist"),
        reverse("admin:hotline_hotlineorder_change", args=[mapped.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("admin:hotline_hotlineorder_change", args=[mapped.pk])).content.decode()
    assert reverse("admin:cases_case_change", args=[mapped.case_id]) in page
    assert "13800138000" not in page


def test_a_mapping_outside_the_clients_limit_is_refused(city, client, superuser):
    hotline = hotline_for(city, area=city.streets[0])
    client.force_login(superuser)
    response = client.post(
        reverse("admin:hotline_codemapping_add"),
        {
            "client": hotline.client.pk,
            "kind": MappingKind.AREA,
            "code": "SQ-99",
            "area": city.communities[3].pk,
        },
    )
    assert response.status_code == 200
    assert not CodeMapping.objects.filter(code="SQ-99").exists()
    response = client.post(
        reverse("admin:hotline_codemapping_add"),
        {
            "client": hotline.client.pk,
            "kind": MappingKind.AREA,
            "code": "SQ-98",
            "area": city.communities[0].pk,
        },
    )
    assert response.status_code == 302
    assert CodeMapping.objects.get(code="SQ-98").area == city.communities[0]


def test_orders_are_read_only_and_staff_see_none(city, client, superuser):
    hotline = hotline_for(city)
    order = receive(hotline).order
    client.force_login(superuser)
    response = client.post(reverse("admin:hotline_hotlineorder_change", args=[order.pk]), {"title": "改"})
    assert response.status_code == 403
    assert HotlineOrder.objects.get().title == "垃圾堆放"
    client.force_login(city.users["street"])
    assert client.get(reverse("admin:hotline_codemapping_changelist")).status_code in (302, 403)
