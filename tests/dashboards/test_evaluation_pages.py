"""The evaluation pages and the workbook: defaults, the ranking, the breakdown, scoping, bad parameters
and their cost in queries."""

import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

from apps.dashboards.choices import Subject
from apps.dashboards.evaluation_report import MONTH_FORMAT
from tests.dashboards.evaluation_support import scenario_per_module

pytestmark = pytest.mark.django_db

scenario = scenario_per_module()
URL = reverse("dashboards:evaluation")
EXPORT = reverse("dashboards:evaluation_export")


def _month(scenario) -> str:
    return scenario.month.strftime(MONTH_FORMAT)


def _breakdown(subject, key) -> str:
    return reverse("dashboards:breakdown", args=[subject, key])


def _rows(response) -> list[str]:
    html = response.content.decode()
    table = html.split('data-testid="ranking"', 1)[1].split("</table>", 1)[0]
    return [
        row.split("</th>", 1)[0].rsplit("</a>", 1)[0].rsplit(">", 1)[1]
        for row in table.split('data-testid="ranking-row"')[1:]
    ]


def test_the_district_lands_on_its_departments_of_the_last_month(scenario, as_user):
    response = as_user(scenario.city.users["district"]).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cleaned_data["area"] == scenario.city.district
    assert form.cleaned_data["subject"] == Subject.DEPARTMENT
    assert form.cleaned_data["month"] == scenario.month
    assert _rows(response) == [scenario.department_a.name, scenario.department_b.name]
    assert [score.score for score in response.context["scores"]] == [70.9, 61.1]
    body = response.content.decode()
    assert 'data-testid="weights"' in body
    assert "response rate</span> <strong>20</strong>" in body
    # Each row opens its breakdown, with the same area and month.
    assert f"{_breakdown('department', scenario.department_a.pk)}?area={scenario.city.district.pk}" in body


def test_streets_of_the_district_and_the_areas_offered(scenario, as_user):
    city = scenario.city
    response = as_user(city.users["district"]).get(URL, {"area": city.district.pk, "subject": "street"})
    assert _rows(response) == [city.streets[0].name, city.streets[1].name]
    offered = {int(value) for value, _label in response.context["form"].fields["area"].widget.choices}
    assert offered == {city.district.pk, *(street.pk for street in city.streets)}
    subjects = [value for value, _label in response.context["form"].fields["subject"].choices]
    assert subjects == ["department", "street", "grid_worker"]


def test_a_district_evaluates_the_communities_of_a_street_under_it(scenario, as_user):
    city = scenario.city
    response = as_user(city.users["district"]).get(
        URL, {"area": city.streets[0].pk, "subject": "community", "month": _month(scenario)}
    )
    assert response.status_code == 200
    assert _rows(response) == [city.communities[0].name, city.communities[1].name]


def test_street_staff_land_on_their_street(scenario, as_user):
    response = as_user(scenario.city.users["street"]).get(URL)
    assert response.context["form"].cleaned_data["area"] == scenario.city.streets[0]
    assert _rows(response) == [scenario.department_a.name, scenario.department_b.name]


def test_grid_workers_of_a_community(scenario, as_user):
    response = as_user(scenario.city.users["community"]).get(URL)
    assert response.context["form"].cleaned_data["subject"] == Subject.GRID_WORKER
    assert _rows(response) == ["李网格", "gridworker"]


@pytest.mark.parametrize(
    ("who", "area"),
    [
        ("street", lambda city: city.streets[1]),  # another street
        ("street", lambda city: city.district),  # above their street
        ("district", lambda city: city.grids[0]),  # a grid evaluates nothing
        ("district", lambda _city: None),  # no such area
    ],
)
def test_an_area_out_of_scope_is_not_found(scenario, as_user, who, area):
    chosen = area(scenario.city)
    client = as_user(scenario.city.users[who])
    params = {"area": chosen.pk if chosen else 99_999_999}
    assert client.get(URL, params).status_code == 404
    assert client.get(EXPORT, params).status_code == 404
    assert client.get(_breakdown("department", scenario.department_a.pk), params).status_code == 404


@pytest.mark.parametrize("who", ["gridworker", "dept", "building"])
def test_users_without_evaluation_see_nothing(scenario, as_user, who):
    client = as_user(scenario.city.users[who])
    assert client.get(URL).status_code == 404
    assert client.get(EXPORT).status_code == 404


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"month": "2001-01"},
            "month",
            "Select a valid choice. 2001-01 is not one of the available choices.",
        ),
        ({"month": "last"}, "month", "Select a valid choice. last is not one of the available choices."),
        ({"area": "abc"}, "area", "Enter a whole number."),
        (
            {"subject": "community"},
            "subject",
            "Select a valid choice. community is not one of the available choices.",
        ),
        (
            {"subject": "everyone"},
            "subject",
            "Select a valid choice. everyone is not one of the available choices.",
        ),
    ],
)
def test_bad_parameters_are_form_errors(scenario, as_user, params, field, message):
    client = as_user(scenario.city.users["district"])
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "scores" not in response.context
    assert client.get(EXPORT, params).status_code == 400


def test_the_breakdown_shows_how_the_score_was_made(scenario, as_user):
    city = scenario.city
    response = as_user(city.users["street"]).get(
        _breakdown("department", scenario.department_a.pk),
        {"area": city.streets[0].pk, "month": _month(scenario)},
    )
    assert response.status_code == 200
    body = response.content.decode()
    figures = strip_tags(body)
    assert "orders resolved on time 2 / orders resolved 3" in figures
    assert (
        "rated satisfied + rated basically satisfied 2 / "
        "rated satisfied + rated basically satisfied + rated dissatisfied 3" in figures
    )
    assert "response rating points 6 / responses rated, 4 points each 8" in figures
    assert "= 7086.0 ÷ 100 = <strong>70.9</strong>" in body
    assert "rank 1 of 2" in body
    back = f"{URL}?area={city.streets[0].pk}&amp;subject=department&amp;month={_month(scenario)}"
    assert f'href="{back}"' in body


def test_the_breakdown_says_which_indicator_was_left_out_and_why(scenario, as_user):
    response = as_user(scenario.city.users["street"]).get(
        _breakdown("department", scenario.department_b.pk), {"month": _month(scenario)}
    )
    rows = {row.indicator.code: row for row, _computed in response.context["rows"]}
    assert not rows["response_rating"].counted
    assert rows["response_rating"].reason == "Left out: nothing to measure this month."
    assert "= 5500.0 ÷ 90 = <strong>61.1</strong>" in response.content.decode()


def test_a_breakdown_outside_the_ranking_is_not_found(scenario, as_user):
    city = scenario.city
    client = as_user(city.users["street"])
    # A department with no order here, a subject the street does not evaluate, one that does not exist.
    assert client.get(_breakdown("department", 99_999_999)).status_code == 404
    assert client.get(_breakdown("street", city.streets[0].pk)).status_code == 404
    assert client.get(_breakdown("everyone", 1)).status_code == 404
    assert client.get(_breakdown("grid_worker", scenario.worker_two.pk)).status_code == 200


def test_the_export(scenario, as_user):
    city = scenario.city
    response = as_user(city.users["district"]).get(
        EXPORT, {"area": city.streets[0].pk, "month": _month(scenario)}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;")
    assert f"evaluation-{city.streets[0].name}-departments-{_month(scenario)}.xlsx" in disposition
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ranking", "Weights"]
    ranking = book["Ranking"]
    assert ranking["A1"].value == f"departments evaluated by {city.streets[0].name}, {scenario.month:%B %Y}"
    assert [ranking.cell(2, column).value for column in (1, 2, 3, 4, 8)] == [
        "Rank",
        "Name",
        "Score",
        "response rate",
        "on-time rate",
    ]
    assert [ranking.cell(3, column).value for column in range(4, 8)] == [
        "Numerator",
        "Denominator",
        "Value (%)",
        "Weight",
    ]
    rows = list(ranking.iter_rows(min_row=4, values_only=True))
    assert rows[0][:11] == (1, scenario.department_a.name, 70.9, 2, 3, 66.7, 20, 2, 3, 66.7, 25)
    assert rows[1][:3] == (2, scenario.department_b.name, 61.1)
    # The response rating of B had nothing to measure.
    assert rows[1][-4:] == (0, 0, None, 10)
    weights = list(book["Weights"].iter_rows(values_only=True))
    assert weights[0][:3] == ("Indicator", "Code", "Weight")
    assert [(row[1], row[2]) for row in weights[1:]] == [
        ("response_rate", 20),
        ("on_time_rate", 25),
        ("satisfaction_rate", 25),
        ("return_rate", 10),
        ("reopen_rate", 10),
        ("response_rating", 10),
    ]
    assert weights[2][3:5] == ("orders resolved on time", "orders resolved")


def test_the_pages_in_chinese(scenario, client):
    client.force_login(scenario.city.users["district"])
    response = client.get(URL, {"subject": "street"})
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


# The session and the user, the user's roles, the home area, the areas offered, whether last month has
# figures (the default month), then the evaluation (for departments, their sums and then their names).
COSTS = [
    ("district", {}, 13),
    ("district", {"subject": "street"}, 14),
    ("community", {}, 16),
]


@pytest.mark.parametrize("cost", COSTS)
def test_the_ranking_costs_a_fixed_number_of_queries(scenario, as_user, django_assert_num_queries, cost):
    who, params, queries = cost
    client = as_user(scenario.city.users[who])
    client.get(URL, params)
    with django_assert_num_queries(queries):
        assert client.get(URL, params).status_code == 200


def test_the_breakdown_and_the_export_cost_a_fixed_number_of_queries(
    scenario, as_user, django_assert_num_queries
):
    client = as_user(scenario.city.users["district"])
    with django_assert_num_queries(12):
        client.get(_breakdown("department", scenario.department_a.pk))
    with django_assert_num_queries(12):
        client.get(EXPORT)


def test_a_breakdown_with_a_bad_month_shows_the_error(scenario, as_user):
    response = as_user(scenario.city.users["street"]).get(
        _breakdown("department", scenario.department_a.pk), {"month": "2001-01"}
    )
    assert response.status_code == 200
    assert "month" in response.context["form"].errors
    assert "score" not in response.context
