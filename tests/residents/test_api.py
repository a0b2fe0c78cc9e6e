"""The households and residents API: scope, filters, writes through the services, masking and the logged
reveal, the access log, and list costs that do not grow with the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.crypto import decrypt
from apps.residents.choices import HouseholdAction
from apps.residents.models import CareTag, Household, Resident, ResidentAccess, RiskRule
from apps.residents.services import household_set_risk, resident_reveal
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids
from tests.builders import household_in, person_id, resident_in

pytestmark = pytest.mark.django_db

HOUSEHOLDS = reverse("api:household-list")
RESIDENTS = reverse("api:resident-list")
ACCESS_LOG = reverse("api:access-log-list")


def household_url(household, action: str = "") -> str:
    return reverse(f"api:household-{action or 'detail'}", args=[household.pk])


def resident_url(resident, action: str = "") -> str:
    return reverse(f"api:resident-{action or 'detail'}", args=[resident.pk])


@pytest.fixture
def homes(city):
    """A household in the worker's grid, one in the next grid of the community, one in the other street."""
    here = household_in(city.buildings[0], room="101", kind="rented")
    next_grid = household_in(city.buildings[2], room="202")
    there = household_in(city.buildings[8], room="303", kind="shop")
    return {"here": here, "next_grid": next_grid, "there": there}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("district", {"here", "next_grid", "there"}),
        ("street", {"here", "next_grid"}),
        ("community", {"here", "next_grid"}),
        ("gridworker", {"here"}),
        ("auditor", {"here", "next_grid"}),
        ("dept", set()),
    ],
)
def test_each_user_lists_the_households_in_scope(city, homes, username, expected):
    assert ids(api_as(city.users[username]).get(HOUSEHOLDS)) == {homes[name].pk for name in expected}


def test_a_household_out_of_scope_is_not_found_and_the_api_needs_authentication(city, homes):
    api = api_as(city.users["gridworker"])
    for url in (household_url(homes["next_grid"]), household_url(homes["there"])):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    rule = RiskRule.objects.get(code="R-RED")
    assert api.post(household_url(homes["there"], "risk"), {"rule": rule.pk}).status_code == 404
    assert APIClient().get(HOUSEHOLDS).status_code == 401


def test_rows_are_lean_and_the_detail_has_residents_masked_and_the_timeline(city, homes):
    resident_in(homes["here"], id_number=person_id(1), phone="13812345678")
    api = api_as(city.users["gridworker"])
    (row,) = api.get(HOUSEHOLDS).json()["results"]
    assert list(row)[:3] == ["id", "url", "display"]
    assert (row["building"], row["grid"], row["kind"]) == (city.buildings[0].pk, city.grids[0].pk, "rented")
    assert not {"residents", "events"} & set(row)
    detail = api.get(row["url"]).json()
    (resident,) = detail["residents"]
    assert resident["id_number_mask"] == f"{person_id(1)[:6]}********{person_id(1)[-4:]}"
    assert resident["phone_mask"] == "138****5678"
    assert person_id(1) not in str(detail)
    assert "13812345678" not in str(detail)
    assert [event["action"] for event in detail["events"]] == ["create", "resident_add"]


def test_household_filters(city, homes):
    api = api_as(city.users["district"])
    household_set_risk(actor=None, household=homes["here"], rule=RiskRule.objects.get(code="R-RED"))
    resident_in(homes["next_grid"], name="王小明", id_number=person_id(5), phone="13900001111")
    Household.objects.filter(pk=homes["there"].pk).update(
        visit_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert ids(api.get(HOUSEHOLDS, {"area": city.grids[0].pk})) == {homes["here"].pk}
    assert ids(api.get(HOUSEHOLDS, {"area": city.streets[1].pk})) == {homes["there"].pk}
    assert ids(api.get(HOUSEHOLDS, {"kind": "shop"})) == {homes["there"].pk}
    assert ids(api.get(HOUSEHOLDS, {"risk_colour": "red"})) == {homes["here"].pk}
    assert ids(api.get(HOUSEHOLDS, {"due": "true"})) == {homes["there"].pk}
    assert ids(api.get(HOUSEHOLDS, {"due": "false"})) == {homes["here"].pk, homes["next_grid"].pk}
    # A name is found by its beginning (the surname first), through the name index.
    assert ids(api.get(HOUSEHOLDS, {"q": "王小"})) == {homes["next_grid"].pk}
    assert ids(api.get(HOUSEHOLDS, {"q": "小明"})) == set()
    assert ids(api.get(HOUSEHOLDS, {"q": person_id(5)})) == {homes["next_grid"].pk}
    assert ids(api.get(HOUSEHOLDS, {"q": "13900001111"})) == {homes["next_grid"].pk}
    assert ids(api.get(HOUSEHOLDS, {"q": "303"})) == {homes["there"].pk}
    # The search stays inside the user's scope.
    assert ids(api_as(city.users["gridworker"]).get(HOUSEHOLDS, {"q": "王小"})) == set()
    assert "area" in fields_of(api_as(city.users["gridworker"]).get(HOUSEHOLDS, {"area": city.grids[1].pk}))


def test_register_and_change_a_household(city):
    api = api_as(city.users["gridworker"])
    response = api.post(
        HOUSEHOLDS,
        {"building": city.buildings[0].pk, "unit": "2", "floor": 5, "room": "502", "kind": "rented"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["address"] == f"{city.buildings[0].name}2单元502室"
    assert (body["grid"], body["visit_interval_days"]) == (city.grids[0].pk, 90)
    household = Household.objects.get(pk=body["id"])
    changed = api.patch(
        household_url(household), {"kind": "owner_occupied", "notes": "房东自住"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["kind"], changed.json()["notes"]) == ("owner_occupied", "房东自住")
    assert [event["action"] for event in changed.json()["events"]] == ["create", "update"]
    # The building stays: it is not an input of a change.
    api.patch(household_url(household), {"building": city.buildings[1].pk}, format="json")
    household.refresh_from_db()
    assert household.building_id == city.buildings[0].pk


def test_bad_households_are_400_with_field_errors_and_nothing_saved(city):
    api = api_as(city.users["gridworker"])
    household_in(city.buildings[0], room="101")
    assert {"building", "room", "kind"} <= set(fields_of(api.post(HOUSEHOLDS, {}, format="json")))
    # A building the worker sees only in the tree, outside the grid, and one out of sight altogether.
    community_building = api_as(city.users["community"]).post(
        HOUSEHOLDS, {"building": city.buildings[8].pk, "room": "1", "kind": "vacant"}, format="json"
    )
    assert "building" in fields_of(community_building)
    outside = api.post(HOUSEHOLDS, {"building": city.buildings[2].pk, "room": "1", "kind": "vacant"})
    assert "building" in fields_of(outside)
    not_a_building = api.post(HOUSEHOLDS, {"building": city.grids[0].pk, "room": "1", "kind": "vacant"})
    assert fields_of(not_a_building)["building"] == ["Choose a building."]
    taken = api.post(HOUSEHOLDS, {"building": city.buildings[0].pk, "room": "101", "kind": "vacant"})
    assert "room" in fields_of(taken)
    assert "floor" in fields_of(
        api.post(HOUSEHOLDS, {"building": city.buildings[0].pk, "room": "9", "kind": "vacant", "floor": 999})
    )
    assert Household.objects.count() == 1


def test_view_only_roles_may_not_write(city, homes):
    for username in ("district", "auditor"):
        api = api_as(city.users[username])
        created = api.post(HOUSEHOLDS, {"building": city.buildings[0].pk, "room": "9", "kind": "vacant"})
        assert created.status_code == 403
        assert api.patch(household_url(homes["here"]), {"notes": "x"}).status_code == 403
    assert Household.objects.count() == 3


def test_risk_colours_are_set_by_rules(city, homes):
    api = api_as(city.users["gridworker"])
    rule = RiskRule.objects.get(code="R-ORANGE")
    response = api.post(
        household_url(homes["here"], "risk"), {"rule": rule.pk, "reason": "群租"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["risk_colour"], body["risk_rule"]["code"]) == ("orange", "R-ORANGE")
    assert body["events"][-1]["action"] == HouseholdAction.RISK
    assert body["events"][-1]["reason"] == "群租"
    own = household_in(city.buildings[0], room="909")
    assert "rule" in fields_of(api.post(household_url(own, "risk"), {"rule": rule.pk}))
    assert "rule" in fields_of(api.post(household_url(homes["here"], "risk"), {"rule": 999999}))


# Residents


@pytest.fixture
def people(city, homes):
    elderly = CareTag.objects.get(code="alone_elderly")
    alone = resident_in(
        homes["here"], name="李阿婆", id_number=person_id(1, male=False), phone="13812345678", tags=[elderly]
    )
    tenant = resident_in(
        homes["here"], name="赵租客", relation="tenant", residence="floating", id_number=person_id(2)
    )
    neighbour = resident_in(homes["next_grid"], name="钱邻居", phone="13900002222")
    far = resident_in(homes["there"], name="孙远方", id_number=person_id(3))
    return {"alone": alone, "tenant": tenant, "neighbour": neighbour, "far": far}


def test_residents_are_listed_in_scope_and_masked(city, people):
    api = api_as(city.users["gridworker"])
    response = api.get(RESIDENTS)
    assert ids(response) == {people["alone"].pk, people["tenant"].pk}
    row = next(r for r in response.json()["results"] if r["id"] == people["alone"].pk)
    assert list(row)[:3] == ["id", "url", "display"]
    assert row["phone_mask"] == "138****5678"
    assert row["tags"] == [CareTag.objects.get(code="alone_elderly").pk]
    assert not {"id_number", "phone", "id_number_encrypted", "phone_hash"} & set(row)
    assert "13812345678" not in response.content.decode()
    assert person_id(1, male=False) not in response.content.decode()
    assert api.get(resident_url(people["neighbour"])).status_code == 404


def test_resident_filters(city, people):
    api = api_as(city.users["district"])
    elderly = CareTag.objects.get(code="alone_elderly")
    assert ids(api.get(RESIDENTS, {"household": people["neighbour"].household_id})) == {
        people["neighbour"].pk
    }
    assert ids(api.get(RESIDENTS, {"area": city.streets[1].pk})) == {people["far"].pk}
    assert ids(api.get(RESIDENTS, {"tag": elderly.pk})) == {people["alone"].pk}
    assert ids(api.get(RESIDENTS, {"residence": "floating"})) == {people["tenant"].pk}
    assert ids(api.get(RESIDENTS, {"q": "邻居"})) == {people["neighbour"].pk}
    assert ids(api.get(RESIDENTS, {"id_number": person_id(3)})) == {people["far"].pk}
    assert ids(api.get(RESIDENTS, {"id_number": person_id(3).lower()[:-4] + " " + person_id(3)[-4:]})) == {
        people["far"].pk
    }
    assert ids(api.get(RESIDENTS, {"phone": "139 0000 2222"})) == {people["neighbour"].pk}
    assert ids(api.get(RESIDENTS, {"id_number": "not a number"})) == set()
    # A household out of sight is refused exactly like a missing one.
    grid_api = api_as(city.users["gridworker"])
    assert "household" in fields_of(grid_api.get(RESIDENTS, {"household": people["far"].household_id}))
    assert ids(grid_api.get(RESIDENTS, {"id_number": person_id(3)})) == set()


def test_register_a_resident_with_write_only_numbers(city, homes):
    api = api_as(city.users["gridworker"])
    number = person_id(8, born=datetime.date(1948, 3, 9), male=False)
    tag = CareTag.objects.get(code="disabled")
    response = api.post(
        RESIDENTS,
        {
            "household": homes["here"].pk,
            "name": "周奶奶",
            "relation": "head",
            "residence": "registered",
            "id_number": number,
            "phone": "13700001234",
            "tags": [tag.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["gender"], body["birth_year"], body["tags"]) == ("female", 1948, [tag.pk])
    assert body["phone_mask"] == "137****1234"
    assert "id_number" not in body
    assert "phone" not in body
    assert number not in response.content.decode()
    resident = Resident.objects.get(pk=body["id"])
    assert decrypt(resident.id_number_encrypted) == number


def test_bad_residents_are_400_with_field_errors_and_nothing_saved(city, homes):
    api = api_as(city.users["gridworker"])
    number = person_id(7)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    base = {"household": homes["here"].pk, "name": "张三", "relation": "head", "residence": "registered"}
    assert "id_number" in fields_of(api.post(RESIDENTS, {**base, "id_number": wrong}, format="json"))
    assert "phone" in fields_of(api.post(RESIDENTS, {**base, "phone": "12345"}, format="json"))
    assert "birth_year" in fields_of(
        api.post(RESIDENTS, {**base, "id_number": number, "birth_year": 1980}, format="json")
    )
    outside = api.post(RESIDENTS, {**base, "household": homes["next_grid"].pk}, format="json")
    assert "household" in fields_of(outside)
    assert {"household", "name", "relation", "residence"} <= set(
        fields_of(api.post(RESIDENTS, {}, format="json"))
    )
    assert not Resident.objects.exists()


def test_change_a_resident_keeping_or_replacing_the_numbers(city, people):
    api = api_as(city.users["gridworker"])
    kept = api.patch(resident_url(people["alone"]), {"name": "李阿奶"}, format="json")
    assert kept.status_code == 200, kept.json()
    assert (kept.json()["name"], kept.json()["phone_mask"]) == ("李阿奶", "138****5678")
    replaced = api.patch(resident_url(people["alone"]), {"phone": "13611112222", "tags": []}, format="json")
    assert (replaced.json()["phone_mask"], replaced.json()["tags"]) == ("136****2222", [])
    people["alone"].refresh_from_db()
    assert decrypt(people["alone"].id_number_encrypted) == person_id(1, male=False)
    wrong = api.patch(resident_url(people["alone"]), {"phone": "x"}, format="json")
    assert "phone" in fields_of(wrong)
    people["alone"].refresh_from_db()
    assert people["alone"].phone_mask == "136****2222"


def test_reveal_a_number_with_a_reason_writes_the_access_log(city, people):
    api = api_as(city.users["gridworker"])
    url = resident_url(people["alone"], "reveal")
    response = api.post(url, {"field": "phone", "reason": "联系独居老人"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"value": "13812345678"}
    entry = ResidentAccess.objects.get()
    assert (entry.user, entry.resident, entry.field, entry.reason) == (
        city.users["gridworker"],
        people["alone"],
        "phone",
        "联系独居老人",
    )
    assert entry.ip_address == "127.0.0.1"


def test_a_reveal_without_a_reason_or_a_role_that_allows_it_is_refused_and_not_logged(city, people):
    url = resident_url(people["alone"], "reveal")
    worker = api_as(city.users["gridworker"])
    assert fields_of(worker.post(url, {"field": "phone"}, format="json"))["reason"] == [
        "Give the reason you need the full number."
    ]
    assert "field" in fields_of(worker.post(url, {"field": "name", "reason": "x"}, format="json"))
    # Grid workers see phones, not ID numbers; district command and auditors see neither.
    refused = worker.post(url, {"field": "id_number", "reason": "核对"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    for username in ("district", "auditor", "building"):
        answer = api_as(city.users[username]).post(url, {"field": "phone", "reason": "核对"}, format="json")
        assert answer.status_code == 403, username
    far = resident_url(people["far"], "reveal")
    assert worker.post(far, {"field": "phone", "reason": "核对"}, format="json").status_code == 404
    assert not ResidentAccess.objects.exists()
    community = api_as(city.users["community"])
    revealed = community.post(url, {"field": "id_number", "reason": "核对身份"}, format="json")
    assert revealed.json() == {"value": person_id(1, male=False)}


def test_move_out(city, people):
    api = api_as(city.users["gridworker"])
    url = resident_url(people["tenant"], "move-out")
    assert "reason" in fields_of(api.post(url, {}, format="json"))
    response = api.post(url, {"reason": "租约到期"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["is_active"] is False
    assert "non_field_errors" in fields_of(api.post(url, {"reason": "again"}, format="json"))
    assert ids(api.get(RESIDENTS, {"is_active": "true"})) == {people["alone"].pk}
    assert api_as(city.users["auditor"]).post(url, {"reason": "x"}, format="json").status_code == 403


def test_reference_lists(city):
    api = api_as(city.users["building"])
    tags = api.get(reverse("api:care-tag-list")).json()["results"]
    assert [tag["code"] for tag in tags][:2] == ["alone_elderly", "empty_nest"]
    rules = api.get(reverse("api:risk-rule-list")).json()["results"]
    assert {rule["colour"] for rule in rules} == {"green", "yellow", "orange", "red"}


def test_the_access_log_is_for_its_readers(city, people):
    resident_reveal(
        actor=city.users["gridworker"], resident=people["alone"], field="phone", reason="走访联系"
    )
    auditor = api_as(city.users["auditor"])
    (row,) = auditor.get(ACCESS_LOG).json()["results"]
    assert (row["user"]["id"], row["resident"], row["field"], row["reason"]) == (
        city.users["gridworker"].pk,
        people["alone"].pk,
        "phone",
        "走访联系",
    )
    assert ids(auditor.get(ACCESS_LOG, {"area": city.grids[0].pk})) == {row["id"]}
    assert ids(auditor.get(ACCESS_LOG, {"field": "id_number"})) == set()
    for username in ("gridworker", "community", "district"):
        assert api_as(city.users[username]).get(ACCESS_LOG).status_code == 403, username


# Query counts


def _many_households(city, n=50):
    elderly = CareTag.objects.get(code="alone_elderly")
    for index in range(n):
        household = household_in(city.buildings[index % 2], room=f"{index + 100}", kind="rented")
        resident_in(household, name=f"居民{index}", id_number=person_id(index + 1), tags=[elderly])


# token with user, role scope, COUNT, page (+ the residents' tags)
@pytest.mark.parametrize(("url", "queries"), [(HOUSEHOLDS, 4), (RESIDENTS, 5)])
def test_lists_cost_the_same_queries_whatever_the_page_size(city, django_assert_num_queries, url, queries):
    _many_households(city)
    assert_list_cost(django_assert_num_queries, api_as(city.users["gridworker"]), url, queries)


def test_a_searched_household_list_costs_the_same(city, django_assert_num_queries):
    _many_households(city)
    api = api_as(city.users["gridworker"])
    assert_list_cost(django_assert_num_queries, api, HOUSEHOLDS, 4, {"q": "居民", "due": "false"})


def test_the_detail_costs_the_same_queries_however_many_residents(city, django_assert_num_queries):
    api = api_as(city.users["gridworker"])
    small = household_in(city.buildings[0], room="1")
    large = household_in(city.buildings[0], room="2")
    resident_in(small, name="独居", id_number=person_id(99))
    for index in range(6):
        resident_in(
            large, name=f"成员{index}", id_number=person_id(index + 1), tags=CareTag.objects.all()[:2]
        )
    for household in (small, large):
        # token, scope, household with risk rule, residents, their tags, events with actors
        with django_assert_num_queries(6):
            assert api.get(household_url(household)).status_code == 200
