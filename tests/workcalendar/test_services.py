"""The calendar's writes: the seed, one date overridden, a year entered; who may, and bad input."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.workcalendar import services
from apps.workcalendar.choices import DaySource
from apps.workcalendar.models import WorkDay
from apps.workcalendar.selectors import calendar_range, range_warning, year_schedule
from apps.workcalendar.services import calendar_enter_year, calendar_seed, workday_set

pytestmark = pytest.mark.django_db
NEW_YEAR_2027 = (date(2027, 1, 1), date(2027, 1, 3), "元旦")


@pytest.fixture
def changes(monkeypatch):
    """The (first, last) dates each write reported to the recomputation hook."""
    calls = []
    monkeypatch.setattr(services, "after_calendar_change", lambda first, last: calls.append((first, last)))
    return calls


def snapshot() -> list[tuple]:
    return list(WorkDay.objects.values_list("day", "is_workday", "holiday", "note", "source"))


def messages_of(error: ValidationError, field: str) -> list[str]:
    return error.value.message_dict[field]


def test_a_fresh_install_has_2024_to_2026_from_the_library():
    assert calendar_range() == (date(2024, 1, 1), date(2026, 12, 31))
    assert WorkDay.objects.count() == 366 + 365 + 365
    national_day = WorkDay.objects.get(day=date(2026, 10, 1))
    assert (national_day.is_workday, national_day.holiday, national_day.source) == (
        False,
        "国庆节",
        DaySource.LIBRARY,
    )
    assert WorkDay.objects.get(day=date(2026, 10, 10)).is_makeup_day


def test_the_seed_is_idempotent_restores_library_dates_and_keeps_administrators_dates(superuser, changes):
    assert calendar_seed() == 0
    assert changes == []
    WorkDay.objects.filter(day=date(2026, 10, 1)).delete()
    WorkDay.objects.filter(day=date(2026, 10, 8)).update(is_workday=False)
    workday_set(day=date(2026, 10, 9), is_workday=False, note="台风停工", actor=superuser)
    changes.clear()
    assert calendar_seed(actor=superuser) == 2
    assert changes == [(date(2026, 10, 1), date(2026, 10, 8))]
    assert not WorkDay.objects.get(day=date(2026, 10, 1)).is_workday
    assert WorkDay.objects.get(day=date(2026, 10, 8)).is_workday
    kept = WorkDay.objects.get(day=date(2026, 10, 9))
    assert (kept.is_workday, kept.note, kept.source) == (False, "台风停工", DaySource.ADMIN)


def test_the_seed_refuses_years_the_library_does_not_know_and_non_superusers(staff_user):
    before = snapshot()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        calendar_seed(years=[2026, 2027])
    assert "2027" in messages_of(error, "years")[0]
    with pytest.raises(ValidationError, match="superuser"):
        calendar_seed(actor=staff_user)
    assert snapshot() == before


def test_a_superuser_overrides_one_date(superuser, changes):
    row = workday_set(
        day=date(2026, 11, 24), is_workday=False, holiday="", note=" 台风停工 ", actor=superuser
    )
    assert (row.is_workday, row.note, row.source, row.updated_by) == (
        False,
        "台风停工",
        DaySource.ADMIN,
        superuser,
    )
    assert changes == [(date(2026, 11, 24), date(2026, 11, 24))]
    # A date without a row gets one.
    workday_set(day=date(2030, 5, 4), is_workday=True, holiday="劳动节", actor=superuser)
    assert WorkDay.objects.get(day=date(2030, 5, 4)).is_makeup_day


def test_only_a_superuser_overrides_and_bad_values_change_nothing(superuser, staff_user):
    before = snapshot()
    with pytest.raises(ValidationError, match="superuser"):
        workday_set(day=date(2026, 11, 24), is_workday=False, actor=staff_user)
    with pytest.raises(ValidationError) as error:
        workday_set(day=date(2026, 11, 24), is_workday=False, holiday="节" * 51, actor=superuser)
    assert "holiday" in error.value.message_dict
    assert snapshot() == before


def test_entering_a_year_writes_every_date(superuser, changes):
    changed = calendar_enter_year(
        year=2027,
        holidays=[NEW_YEAR_2027, (date(2027, 2, 5), date(2027, 2, 12), "春节")],
        makeup_days=[date(2027, 2, 14)],
        actor=superuser,
    )
    assert len(changed) == 365
    assert changes == [(date(2027, 1, 1), date(2027, 12, 31))]
    days = {row.day: row for row in WorkDay.objects.filter(day__year=2027)}
    assert len(days) == 365
    assert {row.source for row in days.values()} == {DaySource.ADMIN}
    assert (days[date(2027, 1, 1)].is_workday, days[date(2027, 1, 1)].holiday) == (False, "元旦")
    assert days[date(2027, 2, 8)].holiday == "春节"
    assert days[date(2027, 2, 14)].is_makeup_day
    assert not days[date(2027, 2, 13)].is_workday  # an ordinary Saturday
    assert days[date(2027, 1, 4)].is_workday
    assert calendar_range()[1] == date(2027, 12, 31)
    assert year_schedule(2027) == (
        [NEW_YEAR_2027, (date(2027, 2, 5), date(2027, 2, 12), "春节")],
        [date(2027, 2, 14)],
    )
    # Entering the same schedule again changes nothing; a correction changes only what differs.
    assert calendar_enter_year(year=2027, holidays=[NEW_YEAR_2027], makeup_days=[], actor=superuser) != []
    assert calendar_enter_year(year=2027, holidays=[NEW_YEAR_2027], makeup_days=[], actor=superuser) == []


def test_entering_a_year_replaces_the_library_and_earlier_overrides(superuser):
    workday_set(day=date(2026, 11, 24), is_workday=False, note="台风停工", actor=superuser)
    changed = calendar_enter_year(year=2026, holidays=[], makeup_days=[], actor=superuser)
    assert date(2026, 11, 24) in {row.day for row in changed}
    assert WorkDay.objects.get(day=date(2026, 10, 1)).is_workday
    assert WorkDay.objects.get(day=date(2026, 11, 24)).note == ""


@pytest.mark.parametrize(
    ("holidays", "makeup_days", "expected"),
    [
        ([(date(2027, 1, 3), date(2027, 1, 1), "元旦")], [], ("holidays", "first day is after the last")),
        ([(date(2026, 12, 31), date(2027, 1, 2), "元旦")], [], ("holidays", "outside 2027")),
        ([(date(2027, 1, 1), date(2027, 1, 3), " ")], [], ("holidays", "needs a name")),
        ([(date(2027, 1, 1), date(2027, 1, 3), "节" * 51)], [], ("holidays", "at most 50")),
        ([NEW_YEAR_2027, (date(2027, 1, 3), date(2027, 1, 5), "又一个")], [], ("holidays", "overlaps")),
        ([NEW_YEAR_2027], [date(2026, 12, 27)], ("makeup_days", "outside 2027")),
        ([NEW_YEAR_2027], [date(2027, 1, 4)], ("makeup_days", "is a weekday")),
        ([NEW_YEAR_2027], [date(2027, 1, 2)], ("makeup_days", "inside the holiday")),
    ],
)
def test_a_bad_year_entry_is_refused_and_changes_nothing(superuser, changes, holidays, makeup_days, expected):
    field, text = expected
    before = snapshot()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        calendar_enter_year(year=2027, holidays=holidays, makeup_days=makeup_days, actor=superuser)
    assert any(text in message for message in messages_of(error, field)), error.value.message_dict
    assert snapshot() == before
    assert changes == []


def test_only_a_superuser_enters_a_year_and_only_a_sensible_one(superuser, staff_user):
    with pytest.raises(ValidationError, match="superuser"):
        calendar_enter_year(year=2027, holidays=[NEW_YEAR_2027], makeup_days=[], actor=staff_user)
    with pytest.raises(ValidationError) as error:
        calendar_enter_year(year=1999, holidays=[], makeup_days=[], actor=superuser)
    assert "year" in error.value.message_dict
    assert not WorkDay.objects.filter(day__year__in=[1999, 2027]).exists()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 10, 31), None),
        (date(2026, 11, 1), "up to Dec. 31, 2026, 60 days from now: enter the holiday schedule of 2027"),
        (date(2026, 11, 22), "39 days from now"),
        (date(2026, 12, 31), "0 days from now"),
        (date(2027, 1, 5), "was entered only up to Dec. 31, 2026: enter the holiday schedule of 2027"),
    ],
)
def test_administrators_are_warned_from_sixty_days_before_the_range_ends(today, expected):
    with translation.override("en"):
        warning = range_warning(today=today)
    if expected is None:
        assert warning is None
    else:
        assert expected in warning


def test_an_empty_calendar_is_warned_about():
    WorkDay.objects.all().delete()
    assert calendar_range() == (None, None)
    with translation.override("en"):
        assert "empty" in range_warning(today=date(2026, 11, 22))
