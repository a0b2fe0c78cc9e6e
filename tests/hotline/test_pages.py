"""The triage pages: the queue and the received orders in the user's areas, one order with the caller's
phone masked, mapping it by hand or rejecting it, the place search, and the navigation's count."""

import pytest
from django.urls import reverse

from apps.cases.models import Case
from apps.hotline.choices import OrderState
from apps.hotline.models import CodeMapping, HotlineOrder
from tests.hotline.support import hotline_for, receive

pytestmark = pytest.mark.django_db
TRIAGE = reverse("hotline:triage")
ORDERS = reverse("hotline:orders")


@pytest.fixture
def hotline(city):
    return hotline_for(city)


def detail(order, action: str = "") -> str:
    return reverse(f"hotline:{action or 'detail'}", args=[order.pk])


def test_the_queue_lists_the_waiting_orders_in_the_users_areas(city, hotline, as_user):
    mine = receive(hotline, "A-1", category_code="XX-99").order
    elsewhere = receive(hotline, "A-2", category_code="XX-99", area_code="SQ-21").order
    mapped = receive(hotline, "A-3").order
    page = as_user(city.users["street"]).get(TRIAGE)
    assert page.status_code == 200
    content = page.content.decode()
    assert mine.serial in content
    assert elsewhere.serial not in content
    assert mapped.serial not in content
    filtered = as_user(city.users["district"]).get(TRIAGE, {"q": "A-2"}).content.decode()
    assert elsewhere.serial in filtered
    assert mine.serial not in filtered
    everything = as_user(city.users["street"]).get(ORDERS).content.decode()
    assert mine.serial in everything
    assert mapped.serial in everything
    assert mapped.case.serial in everything
    only_mapped = as_user(city.users["street"]).get(ORDERS, {"state": "mapped"}).content.decode()
    assert mine.serial not in only_mapped


def test_only_those_who_triage_get_the_pages(city, hotline, as_user):
    order = receive(hotline, category_code="XX-99").order
    gridworker = as_user(city.users["gridworker"])
    assert gridworker.get(TRIAGE).status_code == 403
    assert gridworker.get(detail(order)).status_code == 403


def test_the_order_page_shows_what_was_received_with_the_phone_masked(city, hotline, as_user):
    order = receive(hotline, category_code="XX-99").order
    page = as_user(city.users["street"]).get(detail(order))
    assert page.status_code == 200
    content = page.content.decode()
    assert "13800138000" not in content
    assert order.caller_phone_masked in content
    assert "XX-99" in content
    assert 'data-testid="resolve-form"' in content


def test_an_order_outside_the_users_areas_is_not_found(city, hotline, as_user):
    elsewhere = receive(hotline, category_code="XX-99", area_code="SQ-21").order
    street = as_user(city.users["street"])
    assert street.get(detail(elsewhere)).status_code == 404
    assert street.post(detail(elsewhere, "reject"), {"reason": "x"}).status_code == 404
    assert HotlineOrder.objects.get().state == OrderState.TRIAGE


def test_staff_map_an_order_through_the_page(city, hotline, as_user):
    order = receive(hotline, category_code="XX-99").order
    street = as_user(city.users["street"])
    # The place is found by the search and chosen, as the page's htmx does.
    results = street.get(reverse("hotline:areas"), {"q": city.grids[0].code}).content.decode()
    assert reverse("hotline:area", args=[city.grids[0].pk]) in results
    chosen = street.get(reverse("hotline:area", args=[city.grids[0].pk])).content.decode()
    assert f'name="area" value="{city.grids[0].pk}"' in chosen
    response = street.post(
        detail(order, "resolve"),
        {"category": city.categories[2].pk, "area": city.grids[0].pk, "remember": "on"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.MAPPED
    assert order.case.area == city.grids[0]
    assert CodeMapping.objects.filter(client=hotline.client, code="XX-99").exists()
    followed = street.get(response["Location"])
    assert order.case.serial in followed.content.decode()


def test_a_refused_mapping_shows_the_form_again_with_the_error(city, hotline, as_user):
    order = receive(hotline, category_code="XX-99").order
    street = as_user(city.users["street"])
    missing = street.post(detail(order, "resolve"), {"category": city.categories[2].pk})
    assert missing.status_code == 200
    assert "Search for the place and choose it." in missing.content.decode()
    outside = street.post(
        detail(order, "resolve"), {"category": city.categories[2].pk, "area": city.grids[4].pk}
    )
    assert outside.status_code == 200
    assert Case.objects.count() == 0


def test_staff_reject_an_order_through_the_page(city, hotline, as_user):
    order = receive(hotline, category_code="XX-99").order
    street = as_user(city.users["street"])
    assert street.post(detail(order, "reject"), {"reason": ""}).status_code == 200
    response = street.post(detail(order, "reject"), {"reason": "非政务事项"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.note) == (OrderState.REJECTED, "非政务事项")
    again = street.post(detail(order, "reject"), {"reason": "again"}, follow=True)
    assert "handled already" in again.content.decode()


def test_the_queue_costs_the_same_whatever_its_length(city, hotline, as_user, django_assert_num_queries):
    street = as_user(city.users["street"])
    for n in range(2):
        receive(hotline, f"B-{n}", category_code="XX-99")
    street.get(TRIAGE)
    with django_assert_num_queries(8):
        assert street.get(TRIAGE).status_code == 200
    for n in range(2, 20):
        receive(hotline, f"B-{n}", category_code="XX-99")
    with django_assert_num_queries(8):
        assert street.get(TRIAGE).content.decode().count('data-testid="order-row"') == 20


def test_the_navigation_shows_the_waiting_count(city, hotline, as_user):
    for n in range(3):
        receive(hotline, f"C-{n}", category_code="XX-99")
    street = as_user(city.users["street"])
    home = street.get(reverse("core:home")).content.decode()
    assert reverse("hotline:badge") in home
    badge = street.get(reverse("hotline:badge")).content.decode()
    assert ">3<" in badge
    assert as_user(city.users["gridworker"]).get(reverse("hotline:badge")).content.decode().strip() == ""
