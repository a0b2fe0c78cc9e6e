"""The command dashboard pages: who lands where, who may open which area (404 otherwise, as for a missing
one), what the page shows from the rollups, and a cost that does not grow with the areas or the days."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.areas.services import area_create
from apps.cases.filters import overdue_condition
from apps.cases.models import Case
from apps.cases.services import case_accept
from apps.dashboards.models import RollupState
from apps.dashboards.rollup import count_stock, rollup_refresh
from apps.dispatch.models import DispatchOrder
from apps.dispatch.services import case_dispatch
from tests.dashboards.dashboard_support import draw_boundaries, embedded, make_facts, report, square
from tests.dispatch.support import city_per_module

pytestmark = pytest.mark.django_db
city = city_per_module()

# The page's own cost (session, user, scope, the dashboard's figures, the map's boundaries).
PAGE_QUERIES = 23


@pytest.fixture(scope="module")
def facts(city, django_db_blocker):
    with django_db_blocker.unblock():
        draw_boundaries(city)
        return make_facts(city)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_each_user_lands_on_their_own_area(city, facts, as_user):
    landing = {
        "district": city.district,
        "street": city.streets[0],
        "community": city.communities[0],
        "auditor": city.streets[0],
    }
    for username, area in landing.items():
        response = as_user(city.users[username]).get(reverse("dashboards:home"))
        assert response.status_code == 200, username
        assert response.context["area"] == area, username
        assert embedded(response, "dashboard-payload")["area"]["id"] == area.pk


@pytest.mark.parametrize("username", ["gridworker", "gridhead", "building", "dept", "party"])
def test_users_without_dashboard_view_have_no_dashboard(city, facts, as_user, username):
    client = as_user(city.users[username])
    assert client.get(reverse("dashboards:home")).status_code == 404
    assert client.get(reverse("dashboards:area", args=[city.grids[0].pk])).status_code == 404


def test_street_staff_cannot_open_another_street_or_the_district(city, facts, as_user):
    client = as_user(city.users["street"])
    for area in (city.streets[1], city.communities[2], city.grids[4], city.district):
        assert client.get(reverse("dashboards:area", args=[area.pk])).status_code == 404, area.name
    for area in (city.streets[0], city.communities[1], city.grids[3]):
        assert client.get(reverse("dashboards:area", args=[area.pk])).status_code == 200, area.name


def test_buildings_and_missing_areas_have_no_dashboard(city, facts, as_user):
    client = as_user(city.users["district"])
    assert client.get(reverse("dashboards:area", args=[city.buildings[0].pk])).status_code == 404
    assert client.get(reverse("dashboards:area", args=[999_999])).status_code == 404


def test_auditors_see_the_dashboards_of_their_area(city, facts, as_user):
    client = as_user(city.users["auditor"])
    assert client.get(reverse("dashboards:area", args=[city.communities[0].pk])).status_code == 200
    assert client.get(reverse("dashboards:area", args=[city.streets[1].pk])).status_code == 404


def test_the_district_dashboard_shows_tiles_children_departments_and_the_feed(city, facts, as_user):
    response = as_user(city.users["district"]).get(reverse("dashboards:home"))
    page = response.text
    payload = embedded(response, "dashboard-payload")
    assert payload["tiles"]["open"] == 4  # all but the closed one
    assert payload["tiles"]["escalated"] == 1
    assert payload["tiles"]["on_time_rate"] == {"value": 100.0, "numerator": 1, "denominator": 1}
    assert payload["tiles"]["in_grid_rate"] == {"value": 50.0, "numerator": 1, "denominator": 2}
    assert payload["refreshed_at"]
    assert 'data-testid="no-figures"' not in page
    # Tiles, rankings and the feed are on the page before any script runs.
    assert re.search(r'data-testid="tile-open">.*?data-value>4<', page, re.S)
    assert re.search(r'data-testid="tile-in_grid_rate">.*?data-value>50.0%<', page, re.S)
    for street in city.streets:
        assert f'href="{reverse("dashboards:area", args=[street.pk])}"' in page
    assert city.departments[1].name in page
    for case in (facts.escalated, facts.red_card):
        assert f'href="{reverse("cases:detail", args=[case.pk])}"' in page
    # Newest first: the escalation came half an hour after the whistle, after the red card.
    assert [item["kind"] for item in payload["feed"]] == ["escalation", "red_card"]
    # The map draws the streets that have a boundary; the API serves the refreshes.
    boundaries = embedded(response, "dashboard-boundaries")
    assert {feature["properties"]["name"] for feature in boundaries["features"]} == {
        str(street.pk) for street in city.streets
    }
    assert f'data-api-url="{reverse("api:dashboard-area", args=[city.district.pk])}"' in page
    assert 'data-testid="dashboard-map"' in page


def test_overdue_now_counts_the_cases_the_overdue_filter_finds(city, facts, as_user):
    # A department misses the sign-for limit of an order still open (as the deadline sweep records it),
    # twice on one case: the tile counts cases, from the late orders, as the case list's filter does.
    case = case_accept(case=report(city, city.buildings[2], "井盖缺失"), actor=city.users["street"])
    first = case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    second = case_dispatch(case=case, department=city.departments[0], actor=city.users["street"])
    DispatchOrder.objects.filter(pk__in=[first.pk, second.pk]).update(accept_breached_at=timezone.now())
    late = Case.objects.filter(district=city.district).filter(overdue_condition())
    assert list(late) == [case]
    client = as_user(city.users["district"])
    # The tiles show the stock as last counted (every minute), and say when it was counted.
    before = embedded(client.get(reverse("dashboards:home")), "dashboard-payload")
    assert before["tiles"]["overdue"] == 0
    counted = count_stock()
    district = client.get(reverse("dashboards:home"))
    payload = embedded(district, "dashboard-payload")
    assert payload["tiles"]["overdue"] == 1
    assert payload["tiles"]["open"] == before["tiles"]["open"] + 1
    assert payload["counted_at"] == timezone.localtime(counted.counted_at).isoformat()
    assert f"<span data-counted-at>{timezone.localtime(counted.counted_at):%H:%M}</span>" in district.text
    # Signed for late is no longer waiting on the limit.
    DispatchOrder.objects.filter(pk__in=[first.pk, second.pk]).update(accept_breached_at=None)
    count_stock()
    again = client.get(reverse("dashboards:home"))
    assert embedded(again, "dashboard-payload")["tiles"]["overdue"] == 0


def test_children_without_a_boundary_are_listed_beside_the_map(city, facts, as_user):
    response = as_user(city.users["district"]).get(reverse("dashboards:area", args=[city.streets[1].pk]))
    assert [child["name"] for child in response.context["unbounded"]] == [city.communities[3].name]
    unbounded = re.search(r'data-testid="unbounded">(.*?)</div>', response.text, re.S).group(1)
    assert city.communities[3].name in unbounded
    assert city.communities[2].name not in unbounded


def test_the_breadcrumb_goes_back_up_only_where_the_user_may_go(city, facts, as_user):
    grid = city.grids[0]
    response = as_user(city.users["district"]).get(reverse("dashboards:area", args=[grid.pk]))
    crumbs = embedded(response, "dashboard-payload")["area"]["breadcrumb"]
    assert [crumb["id"] for crumb in crumbs] == [city.district.pk, city.streets[0].pk, city.communities[0].pk]
    response = as_user(city.users["street"]).get(reverse("dashboards:area", args=[grid.pk]))
    crumbs = embedded(response, "dashboard-payload")["area"]["breadcrumb"]
    assert [crumb["id"] for crumb in crumbs] == [city.streets[0].pk, city.communities[0].pk]
    breadcrumb = re.search(r'data-testid="dashboard-breadcrumb">(.*?)</ol>', response.text, re.S).group(1)
    assert city.district.name not in breadcrumb


def test_the_period_and_the_map_figure_come_from_the_query(city, facts, as_user):
    client = as_user(city.users["district"])
    response = client.get(reverse("dashboards:home"), {"days": 90, "figure": "overdue"})
    payload = embedded(response, "dashboard-payload")
    assert (payload["period"]["days"], len(payload["trend"])) == (90, 90)
    assert payload["figure"]["name"] == "overdue"
    assert [child["value"] for child in payload["children"]] == [1, 0]
    assert 'id="period-90" autocomplete="off" checked' in response.text


def test_a_bad_query_shows_the_defaults_and_says_why(city, facts, as_user):
    response = as_user(city.users["district"]).get(reverse("dashboards:home"), {"days": 7, "figure": "x"})
    assert response.status_code == 200
    payload = embedded(response, "dashboard-payload")
    assert (payload["period"]["days"], payload["figure"]["name"]) == (30, "on_time_rate")
    error = re.search(r'data-testid="query-error">(.*?)</div>', response.text, re.S).group(1)
    assert "Choose a period of 30, 90 or 365 days." in error
    assert "Choose one of the figures the map can show." in error


def test_before_the_first_refresh_the_page_says_the_figures_are_coming(city, facts, as_user):
    RollupState.objects.all().delete()
    response = as_user(city.users["district"]).get(reverse("dashboards:home"))
    assert 'data-testid="no-figures"' in response.text
    assert "the figures are computed every few minutes" in response.text


def test_a_grid_dashboard_has_no_map_of_buildings(city, facts, as_user):
    response = as_user(city.users["community"]).get(reverse("dashboards:area", args=[city.grids[0].pk]))
    assert response.status_code == 200
    assert 'data-testid="dashboard-map"' not in response.text
    assert 'data-testid="children"' not in response.text


def test_the_page_has_no_inline_script(city, facts, as_user):
    page = as_user(city.users["district"]).get(reverse("dashboards:home")).text
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in page
    assert "onclick" not in page


def test_the_cost_of_the_page_does_not_grow_with_the_areas_or_the_days(city, facts, as_user):
    client = as_user(city.users["district"])
    url = reverse("dashboards:home")
    short = count_queries(client, url)
    assert count_queries(client, f"{url}?days=365") == short
    for number in range(3, 8):
        street = area_create(
            actor=None, parent=city.district, name=f"第{number}街道", code=f"310101{number:03d}"
        )
        street.boundary = square(121.40 + 0.04 * number, 31.20, 0.04)
        street.save(update_fields=["boundary"])
    rollup_refresh()
    response = client.get(url)
    assert len(embedded(response, "dashboard-payload")["children"]) == 7
    assert count_queries(client, url) == short
    assert short == PAGE_QUERIES
