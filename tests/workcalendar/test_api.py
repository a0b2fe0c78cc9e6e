"""The work calendar through the API: reading days, writing them as a superuser, computing deadlines."""

from datetime import date

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from apps.workcalendar.models import WorkDay
from tests.api_helpers import api_as, fields_of

pytestmark = pytest.mark.django_db
DAYS = "/api/v1/calendar/days/"
YEARS = "/api/v1/calendar/years/"
DUE = "/api/v1/calendar/due/"


def snapshot() -> list[tuple]:
    return list(WorkDay.objects.values_list("day", "is_workday", "holiday", "note", "source"))


def test_anyone_signed_in_reads_a_year_in_one_page(staff_user, django_assert_num_queries):
    api = api_as(staff_user)
    with django_assert_num_queries(4):  # token with its user, count, page
        response = api.get(DAYS, {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 365
    assert len(body["results"]) == 365
    national_day = next(row for row in body["results"] if row["day"] == "2026-10-01")
    assert national_day == {
        "day": "2026-10-01",
        "is_workday": False,
        "source": "library",
        "holiday": "国庆节",
        "note": "",
    }
    workdays = api.get(DAYS, {"year": 2026, "is_workday": "true"}).json()
    assert workdays["count"] == 248
    assert api.get(f"{DAYS}2026-10-10/").json()["is_workday"] is True


def test_the_calendar_needs_a_signed_in_user():
    assert APIClient().get(DAYS).status_code == 401
    assert (
        APIClient()
        .get(DUE, {"start": "2026-09-25T18:30:00+08:00", "minutes": 1, "clock": "working"})
        .status_code
        == 401
    )


def test_a_superuser_puts_one_date(superuser):
    api = api_as(superuser)
    response = api.put(f"{DAYS}2026-11-24/", {"is_workday": False, "note": "台风停工"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "day": "2026-11-24",
        "is_workday": False,
        "source": "admin",
        "holiday": "",
        "note": "台风停工",
    }
    # A date the calendar has no row for yet.
    response = api.put(f"{DAYS}2027-02-07/", {"is_workday": True, "holiday": "春节"}, format="json")
    assert response.status_code == 200
    assert WorkDay.objects.get(day=date(2027, 2, 7)).is_makeup_day


def test_others_may_not_write_and_bad_input_changes_nothing(staff_user, superuser):
    before = snapshot()
    response = api_as(staff_user).put(f"{DAYS}2026-11-24/", {"is_workday": False}, format="json")
    assert response.status_code == 403
    response = api_as(staff_user).post(YEARS, {"year": 2027, "holidays": []}, format="json")
    assert response.status_code == 403
    api = api_as(superuser)
    assert "is_workday" in fields_of(api.put(f"{DAYS}2026-11-24/", {"note": "x"}, format="json"))
    assert "holiday" in fields_of(
        api.put(f"{DAYS}2026-11-24/", {"is_workday": False, "holiday": "节" * 51}, format="json")
    )
    assert api.put(f"{DAYS}2026-02-30/", {"is_workday": False}, format="json").status_code == 404
    assert api.delete(f"{DAYS}2026-11-24/").status_code == 405
    assert snapshot() == before


def test_a_superuser_enters_a_year(superuser):
    body = {
        "year": 2027,
        "holidays": [
            {"first": "2027-01-01", "last": "2027-01-03", "name": "元旦"},
            {"first": "2027-02-05", "last": "2027-02-12", "name": "春节"},
        ],
        "makeup_days": ["2027-02-14"],
    }
    response = api_as(superuser).post(YEARS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"year": 2027, "changed": 365}
    assert WorkDay.objects.get(day=date(2027, 2, 14)).is_makeup_day


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 2027}, "holidays"),
        ({"year": 1999, "holidays": []}, "year"),
        ({"year": 2027, "holidays": [{"first": "2027-01-01", "last": "soon", "name": "元旦"}]}, "holidays"),
        (
            {
                "year": 2027,
                "holidays": [
                    {"first": "2027-01-01", "last": "2027-01-03", "name": "元旦"},
                    {"first": "2027-01-03", "last": "2027-01-04", "name": "又一个"},
                ],
            },
            "holidays",
        ),
        ({"year": 2027, "holidays": [], "makeup_days": ["2027-01-04"]}, "makeup_days"),
    ],
)
def test_a_bad_year_is_refused_with_field_errors(superuser, body, field):
    before = snapshot()
    assert field in fields_of(api_as(superuser).post(YEARS, body, format="json"))
    assert snapshot() == before


def test_a_deadline_with_its_explanation(staff_user):
    api = api_as(staff_user)
    response = api.get(DUE, {"start": "2026-09-25T18:30:00+08:00", "minutes": 4 * 450, "clock": "working"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["due_at"] == "2026-10-08T17:30:00+08:00"
    assert body["provisional"] is False
    assert body["clock"] == "working"
    assert body["explanation"][-1] == "Due Thu 8 Oct 17:30"
    response = api.get(DUE, {"start": "2026-12-31T09:00:00+08:00", "minutes": 900, "clock": "working"})
    assert response.json()["provisional"] is True
    assert "provisional" in response.json()["explanation"][-1]
    response = api.get(
        DUE, {"start": "2026-09-25T18:30:00+08:00", "minutes": 60, "clock": "around_the_clock"}
    )
    assert response.json()["due_at"] == "2026-09-25T19:30:00+08:00"


def test_a_bad_deadline_query_is_a_400_with_field_errors(staff_user):
    fields = fields_of(api_as(staff_user).get(DUE, {"start": "soon", "minutes": -5, "clock": "lunar"}))
    assert set(fields) == {"start", "minutes", "clock"}
    assert set(fields_of(api_as(staff_user).get(DUE))) == {"start", "minutes", "clock"}


def test_the_schema_documents_the_calendar(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    assert set(paths[DAYS]) == {"get"}
    assert set(paths[DAYS + "{day}/"]) == {"get", "put"}
    assert set(paths[YEARS]) == {"post"}
    assert {p["name"] for p in paths[DUE]["get"]["parameters"]} == {"start", "minutes", "clock"}
    assert {p["name"] for p in paths[DAYS]["get"]["parameters"]} >= {"year", "source", "is_workday"}


def test_the_admin_lists_and_overrides_through_the_service(superuser, client):
    client.force_login(superuser)
    changelist = reverse("admin:workcalendar_workday_changelist")
    assert client.get(changelist, {"year": "2026", "is_workday__exact": "0"}).status_code == 200
    change = reverse("admin:workcalendar_workday_change", args=["2026-11-24"])
    response = client.post(change, {"is_workday": "", "holiday": "", "note": "台风停工"})
    assert response.status_code == 302
    row = WorkDay.objects.get(day=date(2026, 11, 24))
    assert (row.is_workday, row.note, row.source, row.updated_by) == (False, "台风停工", "admin", superuser)
    assert client.get(reverse("admin:workcalendar_workday_delete", args=["2026-11-24"])).status_code == 403
