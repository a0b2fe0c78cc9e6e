"""The micro wish API: restricted lists and details, masking, posting, and one endpoint per action."""

import datetime

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from apps.wishes.choices import WishState
from apps.wishes.models import MicroWish, WishEvent
from apps.wishes.services import wish_claim, wish_confirm, wish_fulfil
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids

from .support import post, worker_of

pytestmark = pytest.mark.django_db
LIST = "/api/v1/party/wishes/"
ACTIONS = ["claim", "fulfil", "confirm", "rate", "withdraw"]


def url(wish, action: str = "") -> str:
    return f"{LIST}{wish.pk}/{action + '/' if action else ''}"


def test_the_list_masks_the_resident_for_viewers(city):
    wish = post(city, area=city.grids[0])
    rows = api_as(city.users["community"]).get(LIST).json()["results"]
    assert [(row["id"], row["resident_name"], row["display"]) for row in rows] == [
        (wish.pk, "张三丰", wish.title)
    ]
    assert list(rows[0])[:3] == ["id", "url", "display"]
    for username in ("auditor", "gridworker"):
        rows = api_as(city.users[username]).get(LIST).json()["results"]
        assert [(row["resident_name"], row["resident"]) for row in rows] == [("张**", None)], username
    answer = api_as(city.users["auditor"]).get(url(wish)).json()
    assert answer["resident_name"] == "张**"
    assert "consent" not in answer
    assert "remind_at" not in answer


def test_a_viewer_cannot_read_the_order_of_masked_names_by_sorting(city):
    # Posted in an order unlike the order of the full names; the auditor sees all three as 张**.
    wishes = [post(city, resident_name=name) for name in ("张阿", "张中", "张乙")]
    api = api_as(city.users["auditor"])
    plain = [row["id"] for row in api.get(LIST).json()["results"]]
    for ordering in ("resident_name", "-resident_name"):
        sorted_ids = [row["id"] for row in api.get(LIST, {"ordering": ordering}).json()["results"]]
        assert sorted_ids == plain, ordering
    assert {wish.pk for wish in wishes} == set(plain)


def test_the_api_is_scoped(city):
    wish = post(city)
    api = api_as(worker_of(city.communities[1]))
    assert ids(api.get(LIST)) == set()
    assert api.get(url(wish)).status_code == 404
    assert api.post(url(wish, "withdraw"), {"reason": "x"}, format="json").status_code == 404
    assert MicroWish.objects.get(pk=wish.pk).state == WishState.POSTED


def test_a_viewer_may_not_act(city):
    wish = post(city)
    api = api_as(city.users["auditor"])
    assert api.post(url(wish, "withdraw"), {"reason": "x"}, format="json").status_code == 403
    assert api.post(LIST, {}, format="json").status_code == 403
    assert MicroWish.objects.get(pk=wish.pk).state == WishState.POSTED


def test_posting_a_wish(city):
    api = api_as(city.users["community"])
    data = {
        "area": city.buildings[0].pk,
        "title": "轮椅维修",
        "category": "repairs",
        "resident_name": "陈桂兰",
        "consent": True,
    }
    response = api.post(LIST, data, format="json")
    assert response.status_code == 201, response.json()
    wish = MicroWish.objects.get()
    assert response.json()["id"] == wish.pk
    assert response.json()["resident_name"] == "陈桂兰"
    assert wish.claim_by == timezone.localdate() + datetime.timedelta(days=7)
    assert wish.building == city.buildings[0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"consent": None}, "consent"),
        ({"area": "other"}, "area"),
        ({"claim_by": "2020-01-01"}, "claim_by"),
        ({"category": "nope"}, "category"),
    ],
)
def test_bad_input_on_posting_is_a_400_and_saves_nothing(city, change, field):
    data = {
        "area": city.communities[0].pk,
        "title": "助听器",
        "category": "health_and_care",
        "resident_name": "张德明",
        "consent": True,
        **change,
    }
    if data["area"] == "other":
        data["area"] = city.communities[2].pk
    if data["consent"] is None:
        del data["consent"]
    response = api_as(city.users["community"]).post(LIST, data, format="json")
    assert field in fields_of(response)
    assert not MicroWish.objects.exists()


def test_the_whole_life_through_the_api(city):
    api = api_as(city.users["community"])
    wish = post(city)
    response = api.post(url(wish, "claim"), {"member": city.members[0].pk, "note": "我来"}, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["state"], answer["claimant_kind"], answer["claimant"]) == (
        "claimed",
        "member",
        city.members[0].name,
    )
    assert [event["action"] for event in answer["events"]] == ["post", "claim"]
    assert api.post(url(wish, "fulfil"), {"note": "修好了"}, format="json").json()["state"] == "fulfilled"
    assert api.post(url(wish, "confirm"), {}, format="json").json()["state"] == "confirmed"
    answer = api.post(url(wish, "rate"), {"rating": 4, "thanks": "谢谢"}, format="json").json()
    assert (answer["rating"], answer["thanks"]) == (4, "谢谢")
    assert api.post(url(wish, "rate"), {"rating": 5}, format="json").status_code == 409
    assert MicroWish.objects.get(pk=wish.pk).rating == 4


def test_claiming_an_already_claimed_wish_is_a_409_and_changes_nothing(city):
    worker = city.users["community"]
    wish = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    response = api_as(worker).post(
        url(wish, "claim"), {"organisation": city.organisations[2].pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "already claimed" in response.json()["error"]["message"]
    wish.refresh_from_db()
    assert (wish.member, wish.organisation) == (city.members[0], None)
    assert WishEvent.objects.filter(wish=wish).count() == 2


def test_confirming_a_wish_not_fulfilled_is_a_409(city):
    worker = city.users["community"]
    wish = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    response = api_as(worker).post(url(wish, "confirm"), {}, format="json")
    assert response.status_code == 409
    assert MicroWish.objects.get(pk=wish.pk).state == WishState.CLAIMED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "claimant"),
        ({"member": "members0", "organisation": "org2"}, "claimant"),
        ({"member": "far"}, "member"),
        ({"member": "members0", "fulfil_by": "2020-01-01"}, "fulfil_by"),
    ],
)
def test_bad_claims_are_a_400(city, body, field):
    wish = post(city)
    known = {"members0": city.members[0].pk, "org2": city.organisations[2].pk, "far": city.members[-1].pk}
    body = {key: known.get(value, value) for key, value in body.items()}
    response = api_as(city.users["community"]).post(url(wish, "claim"), body, format="json")
    assert field in fields_of(response)
    assert MicroWish.objects.get(pk=wish.pk).state == WishState.POSTED


def test_bad_ratings_fulfilments_and_withdrawals_are_a_400(city):
    worker = city.users["community"]
    api = api_as(worker)
    wish = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    assert "note" in fields_of(api.post(url(wish, "fulfil"), {"note": ""}, format="json"))
    assert "reason" in fields_of(api.post(url(wish, "withdraw"), {}, format="json"))
    wish = wish_confirm(actor=worker, wish=wish_fulfil(actor=worker, wish=wish, note="好了"))
    assert "rating" in fields_of(api.post(url(wish, "rate"), {"rating": 6}, format="json"))
    assert "rating" in fields_of(api.post(url(wish, "rate"), {}, format="json"))
    assert MicroWish.objects.get(pk=wish.pk).rated_at is None


def test_withdrawing_through_the_api(city):
    wish = post(city)
    answer = api_as(city.users["party"]).post(
        url(wish, "withdraw"), {"reason": "居民不需要了"}, format="json"
    )
    assert answer.json()["state"] == "withdrawn"
    assert answer.json()["withdraw_reason"] == "居民不需要了"


def test_the_list_filters(city):
    worker = city.users["community"]
    api = api_as(worker)
    radio = post(city)
    chair = wish_claim(actor=worker, wish=post(city, title="轮椅维修"), member=city.members[0])
    late = post(city, title="陪同就医")
    MicroWish.objects.filter(pk=late.pk).update(claim_by=timezone.localdate() - datetime.timedelta(days=1))
    assert ids(api.get(LIST, {"state": "claimed"})) == {chair.pk}
    assert ids(api.get(LIST, {"overdue": "true"})) == {late.pk}
    assert ids(api.get(LIST, {"overdue": "false"})) == {radio.pk, chair.pk}
    assert ids(api.get(LIST, {"q": "轮椅"})) == {chair.pk}
    assert ids(api.get(LIST, {"ancestor": city.communities[0].pk})) == {radio.pk, chair.pk, late.pk}


def test_the_list_costs_the_same_whatever_the_page_size(city, django_assert_num_queries):
    worker = city.users["community"]
    for n in range(50):
        wish = post(city, title=f"心愿{n}", area=city.grids[n % 2])
        if n % 3 == 0:
            wish_claim(actor=worker, wish=wish, member=city.members[0])
    # token with user, role scope, COUNT, page
    assert_list_cost(django_assert_num_queries, api_as(worker), LIST, 4)


def test_the_endpoints_are_documented(tmp_path, django_db_blocker):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, file=str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    assert {LIST, "/api/v1/party/wishes/{id}/"} <= set(paths)
    for action in ACTIONS:
        operation = paths[f"/api/v1/party/wishes/{{id}}/{action}/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), action
        if action != "confirm":
            assert "requestBody" in operation, action
