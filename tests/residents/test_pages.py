"""The household and resident pages through the real views: search, a household's page, the reveal of one
number, the forms, a building floor by floor and the access log; who sees what, masks only, query pins."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.residents.models import CareTag, Household, HouseholdEvent, Resident, ResidentAccess, RiskRule
from apps.residents.services import household_set_risk, resident_add, resident_reveal
from apps.visits.services import visit_log
from tests.builders import household_in, person_id, resident_in

pytestmark = pytest.mark.django_db
SEARCH = reverse("residents:search")
ACCESS_LOG = reverse("residents:access_log")
PHONE = "13812345678"


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def found(response) -> list[str]:
    assert response.status_code == 200
    return [household.address for household in response.context["page_obj"]]


@pytest.fixture
def family(city):
    """A household in the grid worker's first building with one resident holding an ID number and a phone."""
    household = household_in(city.buildings[0], unit="2", floor=3, room="301", kind="rented")
    resident = resident_in(household, name="李秀英", id_number=person_id(11, male=False), phone=PHONE)
    return household, resident


def reveal_url(resident) -> str:
    return reverse("residents:reveal", args=[resident.pk])


def detail_url(household) -> str:
    return reverse("residents:detail", args=[household.pk])


# The search


def test_the_search_finds_by_address_name_whole_id_number_and_phone(city, as_user, family):
    household, _resident = family
    household_in(city.buildings[1], room="502")
    client = as_user(city.users["gridworker"])
    assert found(client.get(SEARCH, {"q": "2单元301"})) == [household.address]
    # Names are found by their beginning, the surname first.
    assert found(client.get(SEARCH, {"q": "李秀"})) == [household.address]
    assert found(client.get(SEARCH, {"q": "秀英"})) == []
    assert found(client.get(SEARCH, {"q": person_id(11, male=False)})) == [household.address]
    assert found(client.get(SEARCH, {"q": PHONE})) == [household.address]
    # A part of a number is not a search through the hash, and matches no address or name.
    assert found(client.get(SEARCH, {"q": PHONE[:7]})) == []
    assert len(found(client.get(SEARCH, {"area": city.grids[0].pk}))) == 2
    assert found(client.get(SEARCH, {"area": city.buildings[1].pk})) == [f"{city.buildings[1].name}502室"]


def test_search_results_show_masks_colour_and_the_next_visit(city, as_user, family):
    household, resident = family
    household_set_risk(actor=None, household=household, rule=RiskRule.objects.get(colour="red"))
    page = page_of(as_user(city.users["gridworker"]).get(SEARCH, {"q": "李秀英"}))
    assert resident.id_number_mask in page
    assert person_id(11, male=False) not in page
    assert PHONE not in page
    assert "risk-red" in page
    household.refresh_from_db()
    assert household.visit_due_on.strftime("%Y-%m-%d") in page


def test_the_search_keeps_to_the_users_scope(city, as_user):
    household_in(city.buildings[-1], room="909")
    client = as_user(city.users["gridworker"])
    assert found(client.get(SEARCH, {"q": "909"})) == []
    assert client.get(SEARCH, {"area": city.grids[-1].pk}).status_code == 404
    assert as_user(city.users["street"]).get(SEARCH, {"q": "909"}).status_code == 200
    assert found(as_user(city.users["district"]).get(SEARCH, {"q": "909"})) == [
        f"{city.buildings[-1].name}909室"
    ]


def test_only_household_viewers_get_the_search(city, as_user):
    assert as_user(city.users["dept"]).get(SEARCH).status_code == 404
    assert as_user(city.users["building"]).get(SEARCH).status_code == 200


def test_the_search_costs_the_same_whatever_the_page_size(city, as_user, django_assert_num_queries):
    for room in range(3):
        resident_in(household_in(city.buildings[0], room=f"1{room:02d}"), name=f"住户{room}")
    client = as_user(city.users["gridworker"])
    client.get(SEARCH, {"q": "住户"})
    # session, user, roles, area roots, areas below them, count, rows, residents, their tags, and the
    # session's refresh (in a savepoint)
    with django_assert_num_queries(QUERIES["search"]):
        assert len(found(client.get(SEARCH, {"q": "住户"}))) == 3
    for room in range(30):
        household = household_in(city.buildings[1], room=f"2{room:02d}")
        resident_in(household, name=f"住户{room}b")
        resident_in(household, name=f"住户{room}c", relation="spouse")
    with django_assert_num_queries(QUERIES["search"]):
        assert len(found(client.get(SEARCH, {"q": "住户"}))) == 25


# A household


def test_the_household_page_shows_facts_residents_masked_and_the_timeline(city, as_user, family):
    household, resident = family
    rule = RiskRule.objects.get(colour="orange")
    household_set_risk(actor=city.users["gridworker"], household=household, rule=rule, reason="群租迹象")
    page = page_of(as_user(city.users["gridworker"]).get(detail_url(household)))
    assert household.address in page
    assert resident.name in page
    assert resident.id_number_mask in page
    assert resident.phone_mask in page
    assert person_id(11, male=False) not in page
    assert PHONE not in page
    assert rule.name in page
    assert "群租迹象" in page
    assert 'data-testid="risk-history"' in page
    assert "resident added" in page
    assert f"{reverse('visits:new')}?household={household.pk}" in page


def test_the_household_page_lists_visits_latest_first(city, as_user, family):
    household, _resident = family
    worker = city.users["gridworker"]
    now = timezone.now()
    first, _ = visit_log(
        actor=worker, kind="household", household=household, visited_at=now - datetime.timedelta(days=3)
    )
    second, _ = visit_log(
        actor=worker, kind="household", household=household, visited_at=now - datetime.timedelta(hours=1)
    )
    page = page_of(as_user(worker).get(detail_url(household)))
    assert page.index(reverse("visits:detail", args=[second.pk])) < page.index(
        reverse("visits:detail", args=[first.pk])
    )


def test_a_household_out_of_scope_answers_404(city, as_user):
    elsewhere = household_in(city.buildings[-1])
    assert as_user(city.users["gridworker"]).get(detail_url(elsewhere)).status_code == 404
    assert as_user(city.users["dept"]).get(detail_url(elsewhere)).status_code == 404
    assert as_user(city.users["district"]).get(detail_url(elsewhere)).status_code == 200


def test_reveal_forms_only_where_the_role_allows(city, as_user, family):
    household, resident = family
    worker_page = page_of(as_user(city.users["gridworker"]).get(detail_url(household)))
    assert f'data-testid="reveal-phone-{resident.pk}"' in worker_page
    assert f'data-testid="reveal-id_number-{resident.pk}"' not in worker_page
    community_page = page_of(as_user(city.users["community"]).get(detail_url(household)))
    assert f'data-testid="reveal-id_number-{resident.pk}"' in community_page
    auditor_page = page_of(as_user(city.users["auditor"]).get(detail_url(household)))
    assert "reveal-" not in auditor_page
    assert resident.phone_mask in auditor_page


def test_the_household_page_costs_the_same_however_many_residents(
    city, as_user, family, django_assert_num_queries
):
    household, _resident = family
    worker = city.users["gridworker"]
    tag = CareTag.objects.order_by("sort_order").first()

    def add(number: int) -> None:
        resident_add(
            actor=worker,
            household=household,
            name=f"家人{number}",
            relation="child",
            residence="registered",
            id_number=person_id(20 + number),
            tags=[tag],
            party_member=city.members[0],
        )

    add(0)
    visit_log(actor=worker, kind="household", household=household, visited_at=timezone.now())
    client = as_user(worker)
    client.get(detail_url(household))
    # session, user, roles, household, residents, their tags, their buildings, party members, timeline,
    # colour history, visits, and the session's refresh (in a savepoint)
    with django_assert_num_queries(QUERIES["detail"]):
        page_of(client.get(detail_url(household)))
    for number in range(1, 6):
        add(number)
        visit_log(actor=worker, kind="household", household=household, visited_at=timezone.now())
    with django_assert_num_queries(QUERIES["detail"]):
        page_of(client.get(detail_url(household)))


# The reveal


def test_a_grid_worker_reveals_a_phone_once_with_a_reason_and_the_log_keeps_it(city, as_user, family):
    _household, resident = family
    client = as_user(city.users["gridworker"])
    response = client.post(
        reveal_url(resident), {"field": "phone", "reason": "联系核实独居情况"}, HTTP_HX_REQUEST="true"
    )
    page = page_of(response)
    assert PHONE in page
    assert "<html" not in page
    assert "no-store" in response["Cache-Control"]
    access = ResidentAccess.objects.get()
    assert (access.user, access.resident, access.field, access.reason) == (
        city.users["gridworker"],
        resident,
        "phone",
        "联系核实独居情况",
    )


def test_a_reveal_needs_a_reason_and_logs_nothing_without_one(city, as_user, family):
    _household, resident = family
    page = page_of(
        as_user(city.users["gridworker"]).post(
            reveal_url(resident), {"field": "phone", "reason": " "}, HTTP_HX_REQUEST="true"
        )
    )
    assert "Give the reason you need the full number." in page
    assert PHONE not in page
    assert not ResidentAccess.objects.exists()


def test_a_reveal_needs_a_role_that_allows_it(city, as_user, family):
    _household, resident = family
    page = page_of(
        as_user(city.users["gridworker"]).post(
            reveal_url(resident), {"field": "id_number", "reason": "核对"}, HTTP_HX_REQUEST="true"
        )
    )
    assert "Your role does not allow seeing this number in full." in page
    assert person_id(11, male=False) not in page
    page = page_of(
        as_user(city.users["auditor"]).post(reveal_url(resident), {"field": "phone", "reason": "核对"})
    )
    assert PHONE not in page
    assert not ResidentAccess.objects.exists()
    other = resident_in(household_in(city.buildings[-1]), name="外人", phone="13900001111")
    assert (
        as_user(city.users["gridworker"])
        .post(reveal_url(other), {"field": "phone", "reason": "核对"})
        .status_code
        == 404
    )
    assert as_user(city.users["gridworker"]).get(reveal_url(resident)).status_code == 405


def test_community_staff_reveal_an_id_number_on_a_full_page_without_htmx(city, as_user, family):
    _household, resident = family
    page = page_of(
        as_user(city.users["community"]).post(
            reveal_url(resident), {"field": "id_number", "reason": "办理低保"}
        )
    )
    assert person_id(11, male=False) in page
    assert "<html" in page
    assert ResidentAccess.objects.get().field == "id_number"


# The forms


def test_a_grid_worker_registers_a_household_in_their_grid(city, as_user):
    client = as_user(city.users["gridworker"])
    form = page_of(client.get(reverse("residents:new")))
    assert city.buildings[0].name in form
    assert city.buildings[-1].name not in form
    response = client.post(
        reverse("residents:new"),
        {"building": city.buildings[1].pk, "unit": "1", "floor": "6", "room": "602", "kind": "rented"},
    )
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(household)
    assert household.address == f"{city.buildings[1].name}1单元602室"


def test_a_household_in_a_building_outside_the_grid_is_refused_and_nothing_saved(city, as_user):
    client = as_user(city.users["gridworker"])
    response = client.post(
        reverse("residents:new"), {"building": city.buildings[-1].pk, "room": "101", "kind": "vacant"}
    )
    assert response.status_code == 200
    assert "building" in response.context["form"].errors
    assert not Household.objects.exists()
    assert as_user(city.users["auditor"]).get(reverse("residents:new")).status_code == 404


def test_the_same_room_twice_shows_the_services_error_on_the_room(city, as_user):
    household_in(city.buildings[0], unit="1", room="101")
    response = as_user(city.users["gridworker"]).post(
        reverse("residents:new"),
        {"building": city.buildings[0].pk, "unit": "1", "room": "101", "kind": "shop"},
    )
    assert response.context["form"].errors["room"] == [
        "This building already has a household in this unit and room."
    ]
    assert Household.objects.count() == 1


def test_editing_a_household_goes_through_the_service(city, as_user, family):
    household, _resident = family
    client = as_user(city.users["gridworker"])
    url = reverse("residents:edit", args=[household.pk])
    assert page_of(client.get(url))
    response = client.post(url, {"unit": "2", "floor": "3", "room": "302", "kind": "owner_occupied"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.room == "302"
    assert household.kind == "owner_occupied"
    assert HouseholdEvent.objects.filter(household=household, action="update").exists()
    assert as_user(city.users["auditor"]).get(url).status_code == 403
    elsewhere = household_in(city.buildings[-1])
    assert client.get(reverse("residents:edit", args=[elsewhere.pk])).status_code == 404


def test_setting_the_risk_colour_of_a_rental(city, as_user, family):
    household, _resident = family
    rule = RiskRule.objects.get(colour="yellow")
    client = as_user(city.users["gridworker"])
    url = reverse("residents:risk", args=[household.pk])
    response = client.post(url, {"rule": rule.pk, "reason": "消防通道堆物"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.risk_colour, household.risk_rule) == ("yellow", rule)
    owned = household_in(city.buildings[0], room="102")
    assert client.get(reverse("residents:risk", args=[owned.pk])).status_code == 404


def test_adding_a_resident_refuses_a_wrong_check_digit_and_saves_nothing(city, as_user, family):
    household, _resident = family
    number = person_id(31)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    url = reverse("residents:resident_new", args=[household.pk])
    client = as_user(city.users["gridworker"])
    assert page_of(client.get(url))
    data = {"name": "王五", "relation": "tenant", "residence": "floating", "id_number": wrong}
    response = client.post(url, data)
    assert response.context["form"].errors["id_number"] == [
        "This ID number's check digit is wrong; check it for a typing error."
    ]
    assert Resident.objects.count() == 1
    response = client.post(url, {**data, "id_number": number, "phone": "13700001234"})
    assert response.status_code == 302
    added = Resident.objects.get(name="王五")
    assert added.id_number_mask == f"{number[:6]}********{number[-4:]}"
    assert added.phone_mask == "137****1234"


def test_editing_a_resident_keeps_blank_numbers(city, as_user, family):
    _household, resident = family
    client = as_user(city.users["gridworker"])
    url = reverse("residents:resident_edit", args=[resident.pk])
    form = page_of(client.get(url))
    assert resident.phone_mask in form
    assert PHONE not in form
    assert person_id(11, male=False) not in form
    response = client.post(
        url, {"name": "李秀英", "relation": "head", "residence": "floating", "id_number": "", "phone": ""}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.residence == "floating"
    assert resident.phone_mask == "138****5678"
    assert resident.id_number_mask.startswith("310101")


def test_moving_out_needs_a_reason(city, as_user, family):
    _household, resident = family
    client = as_user(city.users["gridworker"])
    url = reverse("residents:resident_move_out", args=[resident.pk])
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Say why, for example where the resident moved to."]
    resident.refresh_from_db()
    assert resident.is_active
    assert client.post(url, {"reason": "搬去女儿家"}).status_code == 302
    resident.refresh_from_db()
    assert not resident.is_active
    assert client.get(url).status_code == 404


# A building


def test_the_building_shows_its_floors_with_coloured_tiles(city, as_user, family):
    household, _resident = family
    household_set_risk(actor=None, household=household, rule=RiskRule.objects.get(colour="red"))
    ground = household_in(city.buildings[0], floor=1, room="101")
    Household.objects.filter(pk=ground.pk).update(
        visit_due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    response = as_user(city.users["gridworker"]).get(
        reverse("residents:building", args=[city.buildings[0].pk])
    )
    page = page_of(response)
    assert [floor for floor, _households in response.context["floors"]] == [3, 1]
    assert "household-tile risk-red" in page
    assert "household-tile visit-overdue" in page
    assert detail_url(ground) in page


def test_a_building_out_of_scope_answers_404(city, as_user):
    client = as_user(city.users["gridworker"])
    assert client.get(reverse("residents:building", args=[city.buildings[-1].pk])).status_code == 404
    assert client.get(reverse("residents:building", args=[city.grids[0].pk])).status_code == 404
    assert (
        as_user(city.users["dept"])
        .get(reverse("residents:building", args=[city.buildings[0].pk]))
        .status_code
        == 404
    )


def test_the_building_costs_the_same_however_many_households(city, as_user, django_assert_num_queries):
    url = reverse("residents:building", args=[city.buildings[0].pk])
    resident_in(household_in(city.buildings[0], floor=1, room="101"))
    client = as_user(city.users["gridworker"])
    client.get(url)
    # session, user, roles, building, households, residents, their tags, and the session's refresh
    with django_assert_num_queries(QUERIES["building"]):
        page_of(client.get(url))
    for floor in range(2, 6):
        for room in range(1, 4):
            resident_in(
                household_in(city.buildings[0], floor=floor, room=f"{floor}0{room}"), name=f"住{floor}{room}"
            )
    with django_assert_num_queries(QUERIES["building"]):
        page_of(client.get(url))


def test_the_area_page_of_a_building_links_to_its_households(city, as_user):
    page = page_of(
        as_user(city.users["gridworker"]).get(reverse("areas:detail", args=[city.buildings[0].pk]))
    )
    assert reverse("residents:building", args=[city.buildings[0].pk]) in page
    page = page_of(as_user(city.users["gridworker"]).get(reverse("areas:detail", args=[city.grids[0].pk])))
    assert 'data-testid="households-link"' not in page


# The access log


def test_auditors_read_the_access_log_of_their_area_with_filters(city, as_user, family, superuser):
    _household, resident = family
    resident_reveal(actor=city.users["gridworker"], resident=resident, field="phone", reason="回访")
    resident_reveal(actor=city.users["community"], resident=resident, field="id_number", reason="办证")
    other = resident_in(household_in(city.buildings[-1]), name="外街", phone="13900001111")
    resident_reveal(actor=superuser, resident=other, field="phone", reason="别处")
    client = as_user(city.users["auditor"])
    response = client.get(ACCESS_LOG)
    page = page_of(response)
    assert [entry.reason for entry in response.context["page_obj"]] == ["办证", "回访"]
    assert PHONE not in page
    assert person_id(11, male=False) not in page
    response = client.get(ACCESS_LOG, {"user": city.users["gridworker"].pk})
    assert [entry.reason for entry in response.context["page_obj"]] == ["回访"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert list(client.get(ACCESS_LOG, {"after": tomorrow.isoformat()}).context["page_obj"]) == []
    today = timezone.localdate().isoformat()
    assert len(client.get(ACCESS_LOG, {"after": today, "before": today}).context["page_obj"]) == 2


def test_only_auditors_read_the_access_log(city, as_user):
    assert as_user(city.users["gridworker"]).get(ACCESS_LOG).status_code == 404
    assert as_user(city.users["street"]).get(ACCESS_LOG).status_code == 404
    assert as_user(city.users["auditor"]).get(ACCESS_LOG).status_code == 200


def test_the_access_log_costs_the_same_however_long(city, as_user, family, django_assert_num_queries):
    _household, resident = family
    client = as_user(city.users["auditor"])
    resident_reveal(actor=city.users["gridworker"], resident=resident, field="phone", reason="回访")
    client.get(ACCESS_LOG)
    # session, user, roles, count, the users to filter by, rows, and the session's refresh
    with django_assert_num_queries(QUERIES["access_log"]):
        page_of(client.get(ACCESS_LOG))
    for number in range(60):
        resident_reveal(
            actor=city.users["community"], resident=resident, field="id_number", reason=f"核对{number}"
        )
    with django_assert_num_queries(QUERIES["access_log"]):
        page_of(client.get(ACCESS_LOG))


QUERIES = {"search": 12, "detail": 14, "building": 10, "access_log": 9}
