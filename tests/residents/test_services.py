"""Households and residents through their services: scope, personal numbers, colours, the access log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.core.crypto import decrypt
from apps.residents.choices import HouseholdAction, RevealedField
from apps.residents.models import CareTag, Household, HouseholdEvent, Resident, ResidentAccess, RiskRule
from apps.residents.services import (
    household_create,
    household_set_risk,
    household_update,
    resident_move_out,
    resident_reveal,
    resident_update,
)
from tests.builders import household_in, person_id, resident_in

pytestmark = pytest.mark.django_db


def test_a_grid_worker_registers_a_household_in_their_grid(city):
    worker = city.users["gridworker"]
    household = household_create(
        actor=worker, building=city.buildings[0], unit="1", floor=3, room="301", kind="rented"
    )
    assert household.grid_id == city.grids[0].pk
    assert household.community_id == city.communities[0].pk
    assert household.address == f"{city.buildings[0].name}1单元301室"
    assert household.events.get().action == HouseholdAction.CREATE
    # The default plan (every household once a quarter) applies: due from the day it was registered.
    assert household.visit_interval_days == 90


def test_a_household_outside_the_workers_grid_is_refused_and_nothing_saved(city):
    other_building = city.buildings[-1]
    with pytest.raises(ValidationError):
        household_create(actor=city.users["gridworker"], building=other_building, room="101", kind="vacant")
    assert not Household.objects.exists()


def test_the_same_room_twice_is_refused(city):
    household_in(city.buildings[0], room="101", unit="1")
    with pytest.raises(ValidationError) as error:
        household_in(city.buildings[0], room="101", unit="1")
    assert "room" in error.value.message_dict


def test_an_id_number_with_a_wrong_check_digit_is_refused(city):
    household = household_in(city.buildings[0])
    number = person_id(7)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        resident_in(household, id_number=wrong)
    assert "id_number" in error.value.message_dict
    assert not Resident.objects.exists()


def test_personal_numbers_are_encrypted_hashed_and_masked(city):
    household = household_in(city.buildings[0])
    number = person_id(3, born=datetime.date(1942, 5, 6), male=False)
    resident = resident_in(household, id_number=number, phone="13812345678")
    assert resident.id_number_mask == f"{number[:6]}********{number[-4:]}"
    assert resident.phone_mask == "138****5678"
    assert resident.birth_year == 1942
    assert resident.gender == "female"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_encrypted, phone_encrypted FROM residents_resident")
        stored = cursor.fetchone()
    assert number not in stored[0]
    assert "13812345678" not in stored[1]
    assert decrypt(stored[0]) == number


def test_one_id_number_is_one_resident(city):
    first = household_in(city.buildings[0], room="101")
    second = household_in(city.buildings[0], room="102")
    resident_in(first, id_number=person_id(1))
    with pytest.raises(ValidationError):
        resident_in(second, id_number=person_id(1), name="李四")
    assert Resident.objects.count() == 1


def test_a_birth_year_that_contradicts_the_id_number_is_refused(city):
    household = household_in(city.buildings[0])
    with pytest.raises(ValidationError) as error:
        resident_in(household, id_number=person_id(1), birth_year=1980)
    assert "birth_year" in error.value.message_dict


def test_updating_without_numbers_keeps_them(city):
    household = household_in(city.buildings[0])
    resident = resident_in(household, id_number=person_id(1), phone="13812345678")
    tag = CareTag.objects.get(code="alone_elderly")
    resident = resident_update(actor=city.users["gridworker"], resident=resident, name="张三丰", tags=[tag])
    assert decrypt(resident.id_number_encrypted) == person_id(1)
    assert resident.phone_mask == "138****5678"
    entry = household.events.filter(action=HouseholdAction.RESIDENT_UPDATE).get()
    assert entry.data["changed"] == ["name", "tags"]
    household.refresh_from_db()
    # 独居老人 are visited every two weeks.
    assert household.visit_interval_days == 14


def test_moving_out_drops_the_care_plan(city):
    household = household_in(city.buildings[0])
    resident = resident_in(household, tags=[CareTag.objects.get(code="alone_elderly")])
    household.refresh_from_db()
    assert household.visit_interval_days == 14
    resident_move_out(actor=city.users["gridworker"], resident=resident, reason="迁往外区")
    household.refresh_from_db()
    assert household.visit_interval_days == 90
    with pytest.raises(ValidationError):
        resident_move_out(actor=city.users["gridworker"], resident=resident, reason="again")


def test_risk_colours_are_set_by_rules_and_kept_in_the_timeline(city):
    worker = city.users["gridworker"]
    household = household_in(city.buildings[0], kind="rented")
    household_set_risk(actor=worker, household=household, rule=RiskRule.objects.get(colour="orange"))
    household = household_set_risk(
        actor=worker, household=household, rule=RiskRule.objects.get(colour="red"), reason="发现群租"
    )
    assert household.risk_colour == "red"
    assert household.visit_interval_days == 7
    history = list(household.events.filter(action=HouseholdAction.RISK).values_list("data", flat=True))
    assert [(entry["from"], entry["to"]) for entry in history] == [("", "orange"), ("orange", "red")]
    household = household_update(actor=worker, household=household, kind="owner_occupied")
    assert household.risk_colour == ""
    assert household.visit_interval_days == 90


def test_only_rentals_get_a_colour(city):
    household = household_in(city.buildings[0], kind="shop")
    with pytest.raises(ValidationError):
        household_set_risk(actor=None, household=household, rule=RiskRule.objects.get(colour="red"))


def test_revealing_needs_the_role_and_a_reason_and_is_logged(city):
    household = household_in(city.buildings[0])
    resident = resident_in(household, id_number=person_id(5), phone="13912345678")
    worker, community = city.users["gridworker"], city.users["community"]
    # Grid workers may see phones in full, not ID numbers.
    assert resident_reveal(actor=worker, resident=resident, field=RevealedField.PHONE, reason="电话回访") == (
        "13912345678"
    )
    with pytest.raises(ValidationError):
        resident_reveal(actor=worker, resident=resident, field=RevealedField.ID_NUMBER, reason="核对")
    with pytest.raises(ValidationError):
        resident_reveal(actor=community, resident=resident, field=RevealedField.ID_NUMBER, reason=" ")
    assert resident_reveal(
        actor=community, resident=resident, field=RevealedField.ID_NUMBER, reason="核对低保"
    ) == (person_id(5))
    log = list(ResidentAccess.objects.order_by("created_at").values_list("user__username", "field", "reason"))
    assert log == [("gridworker", "phone", "电话回访"), ("community", "id_number", "核对低保")]
    # Auditors of the street read the log; the grid worker does not.
    assert ResidentAccess.objects.restrict(city.users["auditor"]).count() == 2
    assert ResidentAccess.objects.restrict(worker).count() == 0


@pytest.mark.postgres
def test_the_timeline_and_the_access_log_cannot_be_rewritten(city):
    household = household_in(city.buildings[0])
    resident = resident_in(household, phone="13912345678")
    resident_reveal(actor=city.users["community"], resident=resident, field="phone", reason="回访")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        HouseholdEvent.objects.update(reason="changed")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ResidentAccess.objects.update(reason="changed")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ResidentAccess.objects.all().delete()


def test_residents_are_scoped_like_everything_else(city):
    mine = resident_in(household_in(city.buildings[0]), name="甲")
    resident_in(household_in(city.buildings[-1]), name="乙", id_number=person_id(2))
    assert list(Resident.objects.restrict(city.users["gridworker"])) == [mine]
    assert Resident.objects.restrict(city.users["district"]).count() == 2
    assert Resident.objects.restrict(city.users["sysadmin"]).count() == 0
