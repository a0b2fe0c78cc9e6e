"""Inputs that once made the work calendar API answer 500 (found by tests/core/test_schemathesis.py)."""

import pytest

from tests.api_helpers import api_as, fields_of

pytestmark = pytest.mark.django_db
DAYS = "/api/v1/calendar/days/"
DUE = "/api/v1/calendar/due/"


@pytest.mark.parametrize("year", ["0", "10000", "35866707076619000", "-3"])
def test_a_year_no_date_can_have_is_a_400_with_the_field_named(staff_user, year):
    response = api_as(staff_user).get(DAYS, {"year": year})
    assert "year" in fields_of(response)


def test_the_first_and_last_years_a_date_can_have_are_accepted(staff_user):
    api = api_as(staff_user)
    for year in (1, 9999):
        response = api.get(DAYS, {"year": year})
        assert response.status_code == 200, response.json()
        assert response.json()["count"] == 0


@pytest.mark.parametrize("start", ["0366-06-27T11:42:23-02:54", "9999-12-30T00:00:00+08:00"])
def test_a_deadline_from_a_start_outside_the_years_it_can_be_told_in_is_a_400(staff_user, start):
    # Before 1901 the answer had a local mean time offset (+08:05:43) that no ISO 8601 reader takes.
    response = api_as(staff_user).get(DUE, {"start": start, "minutes": 3600, "clock": "around_the_clock"})
    assert fields_of(response)["start"] == ["Give a start between the years 1901 and 9997."]


def test_a_deadline_from_the_first_year_it_can_be_told_in_has_an_iso_8601_offset(staff_user):
    response = api_as(staff_user).get(
        DUE, {"start": "1901-06-03T09:00:00+08:00", "minutes": 60, "clock": "around_the_clock"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["due_at"] == "1901-06-03T10:00:00+08:00"
