"""The dashboards as JSON: the page's payload, restricted like the page (404 out of scope), 400 with field
errors for a bad period or map figure, documented in the schema, at a cost that does not grow."""

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.areas.services import area_create
from apps.dashboards.rollup import rollup_refresh
from tests.api_helpers import api_as, fields_of
from tests.dashboards.dashboard_support import draw_boundaries, embedded, make_facts
from tests.dispatch.support import city_per_module

pytestmark = pytest.mark.django_db
city = city_per_module()

API_QUERIES = 18
HOME = "/api/v1/dashboards/"


def area_url(area) -> str:
    return f"/api/v1/dashboards/{area.pk}/"


@pytest.fixture(scope="module")
def facts(city, django_db_blocker):
    with django_db_blocker.unblock():
        draw_boundaries(city)
        return make_facts(city)


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    return yaml.safe_load(target.read_text())


def test_the_home_dashboard_is_the_users_own_area(city, facts):
    for username, area in (("district", city.district), ("street", city.streets[0])):
        response = api_as(city.users[username]).get(HOME)
        assert response.status_code == 200, response.json()
        assert response.json()["area"]["id"] == area.pk


def test_the_api_answers_what_the_page_embeds(city, facts, as_user):
    area = city.streets[0]
    page = as_user(city.users["district"]).get(
        reverse("dashboards:area", args=[area.pk]), {"days": 90, "figure": "escalated"}
    )
    answer = api_as(city.users["district"]).get(area_url(area), {"days": 90, "figure": "escalated"})
    assert answer.json() == embedded(page, "dashboard-payload")


def test_the_figures_of_a_street(city, facts):
    data = api_as(city.users["street"]).get(area_url(city.streets[0]), {"figure": "escalated"}).json()
    assert data["area"]["breadcrumb"] == []
    assert data["tiles"]["open"] == 3
    assert data["tiles"]["whistle_rate"] == {"value": 25.0, "numerator": 1, "denominator": 4}
    assert data["totals"]["created"] == 4
    assert sum(day["created"] for day in data["trend"]) == 4
    assert len(data["trend"]) == 30
    assert data["trend"][-1]["day"] == data["period"]["last"]
    assert [(row["name"], row["created"]) for row in data["categories"]] == [("环境卫生", 4)]
    communities = {child["id"]: child for child in data["children"]}
    assert set(communities) == {city.communities[0].pk, city.communities[1].pk}
    first, second = communities[city.communities[0].pk], communities[city.communities[1].pk]
    assert (first["figures"]["created"], first["value"]) == (2, 0)
    assert (second["figures"]["escalated"], second["value"]) == (1, 1)
    assert first["url"] == reverse("dashboards:area", args=[city.communities[0].pk])
    assert first["rates"]["in_grid_rate"] == {"value": 50.0, "numerator": 1, "denominator": 2}
    assert [row["name"] for row in data["departments"]] == [city.departments[1].name]
    assert data["departments"][0]["rates"]["on_time_rate"]["value"] == 100.0
    assert {item["case"]["id"] for item in data["feed"]} == {facts.escalated.pk, facts.red_card.pk}
    assert data["feed"][0]["case"]["url"] == reverse("cases:detail", args=[facts.escalated.pk])


def test_out_of_scope_answers_like_missing(city, facts):
    street = api_as(city.users["street"])
    for area in (city.streets[1], city.district, city.grids[7]):
        response = street.get(area_url(area))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api_as(city.users["district"]).get(area_url(city.buildings[0])).status_code == 404
    assert api_as(city.users["district"]).get("/api/v1/dashboards/999999/").status_code == 404


@pytest.mark.parametrize("username", ["gridworker", "dept"])
def test_users_without_dashboard_view_have_none(city, facts, username):
    api = api_as(city.users[username])
    assert api.get(HOME).status_code == 404
    assert api.get(area_url(city.grids[0])).status_code == 404


def test_auditors_may_read_their_area(city, facts):
    api = api_as(city.users["auditor"])
    assert api.get(area_url(city.grids[0])).status_code == 200
    assert api.get(area_url(city.streets[1])).status_code == 404


def test_signing_in_is_required(city, facts):
    assert APIClient().get(HOME).status_code == 401


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"days": 7}, {"days"}),
        ({"days": "abc"}, {"days"}),
        ({"figure": "population"}, {"figure"}),
        ({"days": 0, "figure": ""}, {"days"}),
        ({"days": 31, "figure": "x"}, {"days", "figure"}),
    ],
)
def test_a_bad_period_or_figure_is_a_400_with_field_errors(city, facts, params, fields):
    response = api_as(city.users["district"]).get(HOME, params)
    errors = fields_of(response)
    assert set(errors) == fields
    if "days" in fields:
        assert errors["days"] == ["Choose a period of 30, 90 or 365 days."]


@pytest.mark.parametrize("days", [30, 90, 365])
def test_every_period(city, facts, days):
    data = api_as(city.users["district"]).get(HOME, {"days": days}).json()
    assert (data["period"]["days"], len(data["trend"])) == (days, days)


def count_queries(api, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url, params).status_code == 200
    return len(queries)


def test_the_cost_does_not_grow_with_the_areas_or_the_days(city, facts):
    api = api_as(city.users["district"])
    short = count_queries(api, HOME, {"days": 30})
    assert count_queries(api, HOME, {"days": 365, "figure": "visit_coverage"}) == short
    for number in range(3, 9):
        area_create(actor=None, parent=city.district, name=f"第{number}街道", code=f"310101{number:03d}")
    rollup_refresh()
    assert len(api.get(HOME).json()["children"]) == 8
    assert count_queries(api, HOME, {"days": 30}) == short
    assert short == API_QUERIES


def test_the_schema_documents_both_endpoints(schema):
    for path in ("/api/v1/dashboards/", "/api/v1/dashboards/{id}/"):
        operation = schema["paths"][path]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert parameters["days"]["schema"]["enum"] == [30, 365, 90]
        assert "on_time_rate" in parameters["figure"]["schema"]["enum"]
        assert {"200", "400", "404"} <= set(operation["responses"])


def test_the_schema_describes_every_key_of_the_answer(city, facts, schema):
    components = schema["components"]["schemas"]
    data = api_as(city.users["district"]).get(HOME).json()
    dashboard = components["Dashboard"]["properties"]
    assert set(dashboard) == set(data)
    assert set(components["DashboardTiles"]["properties"]) == set(data["tiles"])
    assert set(components["DashboardChild"]["properties"]) == set(data["children"][0])
    assert set(components["DashboardCaseFigures"]["properties"]) == set(data["children"][0]["figures"])
    assert set(components["DashboardChildRates"]["properties"]) == set(data["children"][0]["rates"])
    assert set(components["DashboardDepartment"]["properties"]) == set(data["departments"][0])
    assert set(components["DashboardDepartmentRates"]["properties"]) == set(data["departments"][0]["rates"])
    assert set(components["DashboardDepartmentFigures"]["properties"]) == set(
        data["departments"][0]["figures"]
    )
    assert set(components["DashboardTrendDay"]["properties"]) == set(data["trend"][0])
    assert set(components["DashboardCategoryFigures"]["properties"]) == set(data["categories"][0])
    assert set(components["DashboardFeedItem"]["properties"]) == set(data["feed"][0])
