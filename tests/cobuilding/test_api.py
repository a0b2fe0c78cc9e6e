"""The co-building API: agreements, their lists with take/fulfil/cancel/status, rounds, evaluations and
results; scoped, with the services' errors as 400s and pinned list costs."""

import pytest
from django.urls import reverse

from apps.cobuilding import services
from apps.cobuilding.choices import Direction, NeedState
from apps.cobuilding.models import Agreement, Evaluation, Need, today
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids

from .support import DAY, agree, open_round, unit_in

pytestmark = pytest.mark.django_db
AGREEMENTS = reverse("api:cobuilding-agreement-list")
RESOURCES = reverse("api:cobuilding-resource-list")
NEEDS = reverse("api:cobuilding-need-list")
PROJECTS = reverse("api:cobuilding-project-list")
ROUNDS = reverse("api:cobuilding-round-list")
EVALUATIONS = reverse("api:cobuilding-evaluation-list")


def url(name: str, pk: int, action: str = "detail") -> str:
    return reverse(f"api:cobuilding-{name}-{action}", args=[pk])


@pytest.fixture
def agreement(city):
    return agree(city.communities[0], city.partner_units[0], title="一社区共建协议")


@pytest.fixture
def elsewhere(city):
    return agree(city.communities[2], city.partner_units[1], title="二街道共建协议")


def test_agreements_are_listed_in_scope(city, agreement, elsewhere):
    assert ids(api_as(city.users["community"]).get(AGREEMENTS)) == {agreement.pk}
    assert ids(api_as(city.users["district"]).get(AGREEMENTS)) == {agreement.pk, elsewhere.pk}
    assert api_as(city.users["community"]).get(url("agreement", elsewhere.pk)).status_code == 404
    body = api_as(city.users["community"]).get(AGREEMENTS).json()["results"][0]
    assert list(body)[:3] == ["id", "url", "display"]
    assert body["shown_state"] == "active"


def test_signing_an_agreement(city):
    api = api_as(city.users["community"])
    data = {
        "area": city.communities[0].pk,
        "partner_unit": city.partner_units[0].pk,
        "title": "共建协议",
        "signed_on": "2026-01-01",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
    }
    response = api.post(AGREEMENTS, data, format="json")
    assert response.status_code == 201
    assert response.json()["community"] == city.communities[0].pk
    assert "partner_unit" in fields_of(api.post(AGREEMENTS, data, format="json"))
    hospital = unit_in(city.communities[0])
    assert "valid_until" in fields_of(
        api.post(AGREEMENTS, {**data, "partner_unit": hospital.pk, "valid_until": "2025-01-01"})
    )
    # A unit of another street is not one the community can name.
    assert "partner_unit" in fields_of(
        api.post(AGREEMENTS, {**data, "partner_unit": city.partner_units[1].pk})
    )
    # Another community is out of scope: "does not exist", like a missing id.
    assert "area" in fields_of(api.post(AGREEMENTS, {**data, "area": city.communities[1].pk}, format="json"))
    assert Agreement.objects.count() == 1
    assert api_as(city.users["gridworker"]).post(AGREEMENTS, data, format="json").status_code == 403


def test_the_agreement_answer_carries_its_timeline_and_terminates(city, agreement):
    api = api_as(city.users["street"])
    services.need_add(actor=None, agreement=agreement, title="助餐")
    events = api.get(url("agreement", agreement.pk)).json()["events"]
    assert [event["action"] for event in events] == ["created", "need_added"]
    assert "reason" in fields_of(api.post(url("agreement", agreement.pk, "terminate"), {"reason": ""}))
    response = api.post(url("agreement", agreement.pk, "terminate"), {"reason": "单位搬迁"})
    assert response.status_code == 200
    assert response.json()["state"] == "terminated"
    assert "agreement" in fields_of(
        api.post(url("agreement", agreement.pk, "terminate"), {"reason": "again"})
    )


def test_lists_are_added_and_a_need_taken_fulfilled(city, agreement):
    api = api_as(city.users["community"])
    response = api.post(RESOURCES, {"agreement": agreement.pk, "title": "场地共享", "kind": "venue"})
    assert response.status_code == 201
    assert response.json()["community"] == city.communities[0].pk
    assert "kind" in fields_of(api.post(RESOURCES, {"agreement": agreement.pk, "title": "x", "kind": "gold"}))
    response = api.post(NEEDS, {"agreement": agreement.pk, "title": "助餐", "needed_by": "2026-12-31"})
    assert response.status_code == 201
    need_id = response.json()["id"]
    assert response.json()["state"] == "open"
    take = url("need", need_id, "take")
    response = api.post(take, {"partner_unit": city.partner_units[0].pk})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["taken_by"]) == ("taken", city.partner_units[0].pk)
    # Taking a taken need: 400, nothing changed.
    hospital = unit_in(city.communities[0])
    agree(city.communities[0], hospital)
    assert fields_of(api.post(take, {"partner_unit": hospital.pk})) == {
        "need": ["This need is taken (已接单); only an open need can be taken."]
    }
    assert Need.objects.get().taken_by == city.partner_units[0]
    assert "note" in fields_of(api.post(url("need", need_id, "fulfil"), {"note": ""}))
    response = api.post(url("need", need_id, "fulfil"), {"note": "每周配送"})
    assert response.json()["state"] == "fulfilled"
    response = api.post(PROJECTS, {"agreement": agreement.pk, "title": "加装电梯"})
    project_id = response.json()["id"]
    response = api.post(url("project", project_id, "status"), {"status": "underway"})
    assert response.status_code == 200
    assert response.json()["status"] == "underway"
    assert "status" in fields_of(api.post(url("project", project_id, "status"), {"status": "planned"}))


def test_a_need_out_of_scope_is_not_found_and_a_viewer_may_not_take(city, agreement, elsewhere):
    theirs = services.need_add(actor=None, agreement=elsewhere, title="助餐")
    mine = services.need_add(actor=None, agreement=agreement, title="助餐")
    assert (
        api_as(city.users["community"])
        .post(url("need", theirs.pk, "take"), {"partner_unit": city.partner_units[0].pk})
        .status_code
        == 404
    )
    assert (
        api_as(city.users["gridworker"])
        .post(url("need", mine.pk, "take"), {"partner_unit": city.partner_units[0].pk})
        .status_code
        == 403
    )
    assert ids(api_as(city.users["community"]).get(NEEDS)) == {mine.pk}
    assert set(Need.objects.values_list("state", flat=True)) == {NeedState.OPEN}


def test_evaluations_in_and_outside_the_window_and_results(city, agreement):
    api = api_as(city.users["community"])
    evaluation_round = open_round(city.streets[0])
    closed = open_round(
        city.streets[0], year=today().year - 1, opens_on=today() - 9 * DAY, closes_on=today() - DAY
    )
    assert ids(api.get(ROUNDS)) == {evaluation_round.pk, closed.pk}
    data = {
        "round": evaluation_round.pk,
        "agreement": agreement.pk,
        "direction": Direction.AREA_RATES_UNIT,
        "score": 91,
    }
    response = api.post(EVALUATIONS, data)
    assert response.status_code == 201
    assert response.json()["grade"] == "excellent"
    assert "direction" in fields_of(api.post(EVALUATIONS, data))
    assert "score" in fields_of(
        api.post(EVALUATIONS, {**data, "direction": Direction.UNIT_RATES_AREA, "score": 101})
    )
    message = fields_of(api.post(EVALUATIONS, {**data, "round": closed.pk}))["round"][0]
    assert closed.opens_on.isoformat() in message
    assert closed.closes_on.isoformat() in message
    assert Evaluation.objects.count() == 1
    api.post(EVALUATIONS, {**data, "direction": Direction.UNIT_RATES_AREA, "score": 60})
    results = api.get(url("round", evaluation_round.pk, "results")).json()
    assert results["units"] == [
        {
            "id": city.partner_units[0].pk,
            "name": city.partner_units[0].name,
            "count": 1,
            "average": 91.0,
            "grade": "excellent",
        }
    ]
    assert [(row["id"], row["grade"]) for row in results["areas"]] == [(city.communities[0].pk, "fair")]


def test_rounds_are_opened_by_streets_and_scoped(city):
    api = api_as(city.users["street"])
    data = {"area": city.streets[0].pk, "year": 2026, "opens_on": "2026-12-01", "closes_on": "2027-01-15"}
    assert api.post(ROUNDS, data).status_code == 201
    assert "year" in fields_of(api.post(ROUNDS, data))
    assert "area" in fields_of(api.post(ROUNDS, {**data, "area": city.streets[1].pk}))
    theirs = open_round(city.streets[1])
    assert api.get(url("round", theirs.pk)).status_code == 404
    assert api.get(url("round", theirs.pk, "results")).status_code == 404


@pytest.mark.parametrize(("list_url", "queries"), [(AGREEMENTS, 4), (NEEDS, 4), (EVALUATIONS, 4)])
def test_lists_cost_the_same_queries_whatever_the_page_size(
    city, django_assert_num_queries, list_url, queries
):
    evaluation_round = open_round(city.streets[0])
    for n in range(25):
        unit = unit_in(city.streets[0], f"单位{n:02d}")
        for community in city.communities[:2]:
            row = agree(community, unit)
            need = services.need_add(actor=None, agreement=row, title=f"需求{n}")
            services.need_take(actor=None, need=need, partner_unit=unit)
            services.evaluation_record(
                actor=None,
                evaluation_round=evaluation_round,
                agreement=row,
                direction="area_rates_unit",
                score=80,
            )
    # token with user, role scope, COUNT, page
    assert_list_cost(django_assert_num_queries, api_as(city.users["street"]), list_url, queries)
