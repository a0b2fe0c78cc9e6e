"""The work calendar pages: the year for everyone signed in, the forms for superusers only, and the
warning on the superusers' workbench."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core import views as core_views
from apps.workcalendar.models import WorkDay
from apps.workcalendar.services import workday_set

pytestmark = pytest.mark.django_db
YEAR = reverse("workcalendar:year")
DAY = reverse("workcalendar:day")
ENTER_YEAR = reverse("workcalendar:enter_year")


def snapshot() -> list[tuple]:
    return list(WorkDay.objects.values_list("day", "is_workday", "holiday", "note", "source"))


def cell(response, day: date):
    return next(
        cell
        for month in response.context["months"]
        for week in month.weeks
        for cell in week
        if cell and cell.day == day
    )


def test_every_signed_in_user_sees_a_year_of_month_grids(staff_user, as_user, django_assert_num_queries):
    client = as_user(staff_user)
    with django_assert_num_queries(8):
        response = client.get(YEAR, {"year": 2026})
    assert response.status_code == 200
    assert len(response.context["months"]) == 12
    assert cell(response, date(2026, 10, 1)).kind == "holiday"
    assert cell(response, date(2026, 10, 10)).kind == "makeup"
    assert cell(response, date(2026, 10, 11)).kind == "weekend"
    assert cell(response, date(2026, 10, 12)).kind == "workday"
    page = response.content.decode()
    assert "国庆节" in page
    assert 'data-testid="day-form"' not in page
    assert ENTER_YEAR not in page
    assert response.context["years"][-1] == 2027


def test_a_year_not_entered_shows_monday_to_friday_as_not_entered(staff_user, as_user):
    response = as_user(staff_user).get(YEAR, {"year": 2027})
    assert response.status_code == 200
    first = cell(response, date(2027, 1, 1))
    assert (first.kind, first.entered) == ("workday", False)
    assert "wc-unentered" in response.content.decode()


@pytest.mark.parametrize("year", ["soon", "1999", "2101"])
def test_a_bad_year_is_a_bad_request(staff_user, as_user, year):
    assert as_user(staff_user).get(YEAR, {"year": year}).status_code == 400


def test_the_calendar_is_in_the_administrators_navigation(superuser, staff_user, as_user):
    assert "Work calendar" in [item["label"] for item in as_user(superuser).get(YEAR).context["nav_items"]]
    assert "Work calendar" not in [
        item["label"] for item in as_user(staff_user).get(YEAR).context["nav_items"]
    ]


def test_a_superuser_gets_the_forms(superuser, as_user):
    client = as_user(superuser)
    page = client.get(YEAR, {"year": 2026}).content.decode()
    assert 'data-testid="day-form"' in page
    assert f"{DAY}?day=2026-10-10" in page
    response = client.get(DAY, {"day": "2026-10-10"})
    assert response.status_code == 200
    assert response.context["form"].initial == {
        "day": date(2026, 10, 10),
        "is_workday": True,
        "holiday": "国庆节",
        "note": "",
    }
    response = client.get(ENTER_YEAR)
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == 2027


def test_others_may_not_open_or_post_the_forms(staff_user, as_user):
    client = as_user(staff_user)
    before = snapshot()
    assert client.get(DAY).status_code == 403
    assert client.post(DAY, {"day": "2026-11-24", "note": "停工"}).status_code == 403
    assert client.get(ENTER_YEAR).status_code == 403
    assert (
        client.post(ENTER_YEAR, {"year": 2027, "holidays": "2027-01-01 2027-01-03 元旦"}).status_code == 403
    )
    assert snapshot() == before


def test_a_superuser_overrides_a_date(superuser, as_user):
    response = as_user(superuser).post(DAY, {"day": "2026-11-24", "holiday": "", "note": "台风停工"})
    assert response.status_code == 302
    assert response["Location"] == f"{YEAR}?year=2026"
    row = WorkDay.objects.get(day=date(2026, 11, 24))
    assert (row.is_workday, row.note, row.source) == (False, "台风停工", "admin")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "2026-02-30", "is_workday": "on"}, "day"),
        ({"day": "2026-11-24", "holiday": "节" * 51}, "holiday"),
    ],
)
def test_a_bad_date_form_changes_nothing(superuser, as_user, data, field):
    before = snapshot()
    response = as_user(superuser).post(DAY, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == before


def test_a_superuser_enters_a_year(superuser, as_user):
    response = as_user(superuser).post(
        ENTER_YEAR,
        {
            "year": 2027,
            "holidays": "2027-01-01 2027-01-03 元旦\n\n2027-02-05 2027-02-12 春节\n",
            "makeup_days": "2027-02-14\n",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{YEAR}?year=2027"
    assert WorkDay.objects.filter(day__year=2027).count() == 365
    assert WorkDay.objects.get(day=date(2027, 2, 14)).is_makeup_day
    assert WorkDay.objects.get(day=date(2027, 2, 8)).holiday == "春节"


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"year": 2027, "holidays": "2027-01-01 元旦"}, "holidays", "Line 1: give the first day"),
        ({"year": 2027, "holidays": "2027-01-01 2027-13-03 元旦"}, "holidays", "2027-13-03 is not a date"),
        ({"year": 2027, "holidays": ""}, "holidays", "required"),
        (
            {"year": 2027, "holidays": "2027-01-01 2027-01-03 元旦", "makeup_days": "2027-01-01\nsoon"},
            "makeup_days",
            "Line 2: soon is not a date",
        ),
        (
            {"year": 2027, "holidays": "2027-01-01 2027-01-03 元旦\n2027-01-02 2027-01-05 又一个"},
            "holidays",
            "overlaps",
        ),
        (
            {"year": 2027, "holidays": "2027-01-01 2027-01-03 元旦", "makeup_days": "2027-01-04"},
            "makeup_days",
            "weekday",
        ),
        ({"year": 2026, "holidays": "2027-01-01 2027-01-03 元旦"}, "holidays", "outside 2026"),
        ({"year": 1999, "holidays": "1999-01-01 1999-01-03 元旦"}, "year", "2000"),
    ],
)
def test_a_bad_year_form_shows_its_errors_and_changes_nothing(superuser, as_user, data, field, text):
    before = snapshot()
    response = as_user(superuser).post(ENTER_YEAR, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(text in message for message in errors.get(field, [])), errors
    assert snapshot() == before


def test_superusers_see_the_warning_on_the_workbench_when_the_range_runs_out(superuser, as_user):
    today = timezone.localdate()
    WorkDay.objects.filter(day__gt=today + timedelta(days=10)).delete()
    response = as_user(superuser).get(reverse("core:home"))
    assert response.context["calendar_warning"]
    assert 'data-testid="calendar-warning"' in response.content.decode()


def test_no_warning_while_the_range_reaches_far(superuser, as_user):
    workday_set(day=timezone.localdate() + timedelta(days=400), is_workday=True, actor=superuser)
    response = as_user(superuser).get(reverse("core:home"))
    assert response.context["calendar_warning"] is None
    assert 'data-testid="calendar-warning"' not in response.content.decode()


def test_others_get_no_warning_and_no_query_for_it(staff_user, as_user, monkeypatch):
    def unexpected(today=None):
        raise AssertionError("range_warning runs only for superusers")

    monkeypatch.setattr(core_views, "range_warning", unexpected)
    WorkDay.objects.all().delete()
    response = as_user(staff_user).get(reverse("core:home"))
    assert response.status_code == 200
    assert response.context["calendar_warning"] is None
