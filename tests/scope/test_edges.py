"""Edges of the scope found in review: counts, names and odd input answer like everything else."""

import pytest
from django.urls import reverse

from tests.api_helpers import api_as

pytestmark = pytest.mark.django_db


def test_party_coverage_needs_party_view(city):
    url = reverse("api:party-coverage")
    assert api_as(city.users["dept"]).get(url, {"area": city.streets[0].pk}).status_code == 404
    assert api_as(city.users["street"]).get(url, {"area": city.streets[0].pk}).status_code == 200


def test_department_handlers_are_shown_only_to_those_who_see_roles(city, client):
    page = reverse("departments:detail", args=[city.departments[1].pk])
    client.force_login(city.users["gridworker"])
    assert 'data-testid="handlers"' not in client.get(page).content.decode()
    client.force_login(city.users["street"])
    assert 'data-testid="handlers"' in client.get(page).content.decode()


@pytest.mark.parametrize("url", ["areas:compliance", "party:coverage"])
def test_a_non_ascii_digit_area_is_not_found(city, client, url):
    client.force_login(city.users["street"])
    assert client.get(reverse(url), {"area": "²"}).status_code == 404


def test_an_overflowing_figure_is_a_400(city):
    api = api_as(city.users["community"])
    response = api.patch(
        reverse("api:area-detail", args=[city.buildings[0].pk]), {"households": 2_147_483_647}, format="json"
    )
    assert response.status_code == 400
    assert "households" in response.json()["error"]["fields"]
