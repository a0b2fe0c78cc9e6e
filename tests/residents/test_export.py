"""The workbook export: scope, masks by default, unmasked numbers only with both permissions, a reason and
an access-log row per number exported."""

import pytest
from django.core.exceptions import ValidationError

from apps.residents import excel
from apps.residents.choices import AccessPurpose
from apps.residents.models import ResidentAccess
from tests.builders import household_in, person_id, resident_in

from .import_support import sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(city):
    inside = household_in(city.buildings[0], room="301", kind="rented")
    elsewhere = household_in(city.buildings[2], room="501")
    return {
        "zhang": resident_in(inside, name="张三", id_number=person_id(1), phone="13800138000"),
        "li": resident_in(inside, name="李四", relation="spouse"),
        "wang": resident_in(elsewhere, name="王五", id_number=person_id(2), phone="13900139000"),
    }


def test_the_export_is_masked_and_scoped(city, people):
    content = excel.export_workbook(actor=city.users["gridhead"], within=None, unmasked=False, reason="")
    households = sheet_rows(content, excel.HOUSEHOLD_SHEET)
    assert households == [
        [name for _field, name in excel.HOUSEHOLD_COLUMNS],
        [city.buildings[0].code, None, None, "301", f"{city.buildings[0].name}301室", "出租"],
    ]
    residents = sheet_rows(content, excel.RESIDENT_SHEET)
    assert [row[3] for row in residents[1:]] == ["张三", "李四"]  # 王五 lives in another grid
    zhang = residents[1]
    assert zhang[6] == people["zhang"].id_number_mask != person_id(1)
    assert zhang[7] == "138****8000"
    assert (zhang[4], zhang[5], zhang[8], zhang[9]) == ("男", 1950, "户主", "户籍")
    assert not ResidentAccess.objects.exists()


def test_an_unmasked_export_needs_both_permissions_and_a_reason_and_is_logged(city, people):
    community = city.communities[0]
    with pytest.raises(ValidationError):
        # A grid head may see phones in full, not ID numbers.
        excel.export_workbook(
            actor=city.users["gridhead"], within=city.grids[0], unmasked=True, reason="核对"
        )
    with pytest.raises(ValidationError) as error:
        excel.export_workbook(actor=city.users["community"], within=community, unmasked=True, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        excel.export_workbook(actor=city.users["community"], within=None, unmasked=True, reason="核对")
    assert not ResidentAccess.objects.exists()
    content = excel.export_workbook(
        actor=city.users["community"], within=community, unmasked=True, reason="低保年审核对"
    )
    zhang = sheet_rows(content, excel.RESIDENT_SHEET)[1]
    assert (zhang[6], zhang[7]) == (person_id(1), "13800138000")
    log = ResidentAccess.objects.all()
    # 李四 has no numbers to log; 王五 lives in the same community, in the other grid.
    assert sorted((entry.resident.name, entry.field) for entry in log) == [
        ("张三", "id_number"),
        ("张三", "phone"),
        ("王五", "id_number"),
        ("王五", "phone"),
    ]
    assert {(entry.purpose, entry.reason, entry.user) for entry in log} == {
        (AccessPurpose.EXPORT, "低保年审核对", city.users["community"])
    }
    assert {entry.community_id for entry in log} == {community.pk}


def test_only_exporters_export_and_only_where_they_may(city, people):
    with pytest.raises(ValidationError):
        excel.export_workbook(actor=city.users["gridworker"], within=None, unmasked=False, reason="")
    with pytest.raises(ValidationError):
        excel.export_workbook(actor=city.users["gridhead"], within=city.grids[1], unmasked=False, reason="")


def test_an_area_below_the_users_scope_narrows_the_export(city, people):
    content = excel.export_workbook(
        actor=city.users["street"], within=city.buildings[2], unmasked=False, reason=""
    )
    assert [row[3] for row in sheet_rows(content, excel.RESIDENT_SHEET)[1:]] == ["王五"]
