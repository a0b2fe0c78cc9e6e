"""The evaluation in the API: the ranked scores with their lines, the weights, scoping and bad
parameters, and the schema."""

import pytest
import yaml
from django.core.management import call_command

from apps.dashboards.choices import Subject
from apps.dashboards.evaluation import weights_save
from apps.dashboards.evaluation_report import MONTH_FORMAT
from tests.api_helpers import api_as, fields_of
from tests.dashboards.evaluation_support import scenario_per_module

pytestmark = pytest.mark.django_db

scenario = scenario_per_module()
URL = "/api/v1/evaluation/"
WEIGHTS = "/api/v1/evaluation/weights/"


def _month(scenario) -> str:
    return scenario.month.strftime(MONTH_FORMAT)


def test_the_ranked_scores_with_their_lines(scenario):
    city = scenario.city
    response = api_as(city.users["street"]).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["area"] == {
        "id": city.streets[0].pk,
        "code": city.streets[0].code,
        "name": city.streets[0].name,
        "level": 2,
    }
    assert (body["subject"], body["month"]) == ("department", _month(scenario))
    assert [weight["indicator"] for weight in body["weights"]] == [
        "response_rate",
        "on_time_rate",
        "satisfaction_rate",
        "return_rate",
        "reopen_rate",
        "response_rating",
    ]
    first, second = body["results"]
    assert (first["rank"], first["key"], first["name"], first["score"]) == (
        1,
        scenario.department_a.pk,
        scenario.department_a.name,
        70.9,
    )
    assert first["weight_counted"] == 100
    assert first["lines"][1] == {
        "indicator": "on_time_rate",
        "label": "on-time rate",
        "kind": "rate",
        "weight": 25,
        "numerator": 2,
        "denominator": 3,
        "value": 66.7,
        "points": pytest.approx(1667.5),
    }
    assert (second["score"], second["weight_counted"]) == (61.1, 90)
    assert second["lines"][-1]["value"] is None
    assert second["lines"][-1]["points"] is None


def test_other_subjects_areas_and_months(scenario):
    city = scenario.city
    api = api_as(city.users["district"])
    streets = api.get(URL, {"area": city.district.pk, "subject": "street", "month": _month(scenario)}).json()
    assert [(row["key"], row["score"]) for row in streets["results"]] == [
        (city.streets[0].pk, 55.9),
        (city.streets[1].pk, None),
    ]
    workers = api.get(URL, {"area": city.communities[0].pk, "month": _month(scenario)}).json()
    assert workers["subject"] == "grid_worker"
    assert [(row["name"], row["score"]) for row in workers["results"]] == [
        ("李网格", 60.0),
        ("gridworker", 55.7),
    ]


def test_weights_change_the_scores(scenario, superuser):
    weights_save(actor=superuser, subject=Subject.DEPARTMENT, values={"response_rating": 0})
    body = api_as(scenario.city.users["street"]).get(URL).json()
    assert body["weights"][-1]["weight"] == 0
    assert body["results"][0]["score"] == 70.4


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"month": "2001-01"}, {"month"}),
        ({"month": "soon"}, {"month"}),
        ({"area": "abc"}, {"area"}),
        ({"subject": "everyone"}, {"subject"}),
        # A street does not evaluate streets.
        ({"subject": "street"}, {"subject"}),
    ],
)
def test_bad_parameters_are_field_errors(scenario, params, fields):
    assert set(fields_of(api_as(scenario.city.users["street"]).get(URL, params))) == fields


@pytest.mark.parametrize(
    ("who", "area"),
    [
        ("street", lambda city: city.streets[1].pk),
        ("street", lambda city: city.district.pk),
        ("district", lambda city: city.grids[0].pk),
        ("district", lambda _city: 99_999_999),
    ],
)
def test_an_area_out_of_scope_is_not_found(scenario, who, area):
    response = api_as(scenario.city.users[who]).get(URL, {"area": area(scenario.city)})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", ["gridworker", "dept"])
def test_users_without_evaluation_see_nothing(scenario, who):
    api = api_as(scenario.city.users[who])
    assert api.get(URL).status_code == 404
    assert api.get(WEIGHTS).status_code == 404


def test_the_weights_of_every_subject(scenario, superuser):
    weights_save(actor=superuser, subject=Subject.GRID_WORKER, values={"visits": 50})
    body = api_as(scenario.city.users["community"]).get(WEIGHTS).json()
    assert [entry["subject"] for entry in body] == ["department", "street", "community", "grid_worker"]
    visits = body[-1]["indicators"][0]
    assert visits == {"indicator": "visits", "label": "visits made", "weight": 50, "default_weight": 30}


def test_anonymous_requests_are_refused(client):
    assert client.get(URL).status_code in {401, 403}


def test_the_api_costs_a_fixed_number_of_queries(scenario, django_assert_num_queries):
    api = api_as(scenario.city.users["district"])
    api.get(URL)
    # The token and its user, the roles, the home area, the figures (the departments' sums and names) and
    # the weights (twice).
    with django_assert_num_queries(8):
        assert api.get(URL).status_code == 200


def test_the_schema_documents_both_endpoints(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    schema = yaml.safe_load(target.read_text())
    operation = schema["paths"]["/api/v1/evaluation/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"area", "subject", "month"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Evaluation"
    )
    assert "/api/v1/evaluation/weights/" in schema["paths"]
