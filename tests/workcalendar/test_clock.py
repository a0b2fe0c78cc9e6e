"""Deadline arithmetic over the seeded calendar (chinese-calendar knows 2024 to 2026; 2027 is not entered).

Office hours are the default 08:30-12:00 and 13:30-17:30: 450 minutes a working day.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from apps.workcalendar.choices import Clock
from apps.workcalendar.clock import (
    DASH,
    CalendarDays,
    Skipped,
    due_time,
    minutes_between,
    minutes_per_working_day,
    office_hours,
    parse_office_hours,
)
from apps.workcalendar.services import calendar_enter_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The reasons and explanations compare with their msgids."""
    with translation.override("en"):
        yield


SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = 450
WORKING = Clock.WORKING


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_a_working_day_has_seven_and_a_half_hours():
    assert office_hours() == ((510, 720), (810, 1050))
    assert minutes_per_working_day() == DAY


def test_within_one_morning():
    due = due_time(start=at(2026, 11, 24, 9), minutes=60, clock=WORKING)
    assert due.due_at == at(2026, 11, 24, 10)
    assert not due.provisional
    assert due.skipped == ()
    assert [(span.start, span.end, span.minutes) for span in due.spans] == [
        (at(2026, 11, 24, 9), at(2026, 11, 24, 10), 60)
    ]


def test_across_lunch():
    due = due_time(start=at(2026, 11, 24, 11, 30), minutes=60, clock=WORKING)
    assert due.due_at == at(2026, 11, 24, 14)
    assert [(span.start, span.end) for span in due.spans] == [
        (at(2026, 11, 24, 11, 30), at(2026, 11, 24, 12)),
        (at(2026, 11, 24, 13, 30), at(2026, 11, 24, 14)),
    ]


def test_a_limit_running_out_with_the_morning_ends_at_noon_not_after_lunch():
    assert due_time(start=at(2026, 11, 24, 8, 30), minutes=210, clock=WORKING).due_at == at(2026, 11, 24, 12)


def test_across_a_weekend():
    due = due_time(start=at(2026, 11, 27, 17), minutes=60, clock=WORKING)  # a Friday
    assert due.due_at == at(2026, 11, 30, 9)
    assert [skipped.day for skipped in due.skipped] == [date(2026, 11, 28), date(2026, 11, 29)]
    assert {skipped.reason for skipped in due.skipped} == {"weekend"}


def test_a_start_outside_office_hours_counts_from_the_next_opening():
    due = due_time(start=at(2026, 11, 24, 6), minutes=30, clock=WORKING)
    assert due.due_at == at(2026, 11, 24, 9)
    due = due_time(start=at(2026, 11, 24, 12, 40), minutes=30, clock=WORKING)
    assert due.due_at == at(2026, 11, 24, 14)


def test_seconds_are_dropped_in_working_time():
    due = due_time(start=at(2026, 11, 24, 9) + timedelta(seconds=45), minutes=10, clock=WORKING)
    assert due.due_at == at(2026, 11, 24, 9, 10)


def test_a_quick_whistle_before_national_day_2026():
    """Friday 25 September 2026 is the Mid-Autumn Festival (25-27 September off); National Day is 1-7
    October. Four working days from 18:30 that Friday: 28, 29 and 30 September, then 8 October, whole."""
    due = due_time(start=at(2026, 9, 25, 18, 30), minutes=4 * DAY, clock=WORKING)
    assert due.due_at == at(2026, 10, 8, 17, 30)
    assert not due.provisional
    assert due.spans[0].start == at(2026, 9, 28, 8, 30)
    assert [day.day for day in due.skipped] == [
        date(2026, 9, 25),
        date(2026, 9, 26),
        date(2026, 9, 27),
        *(date(2026, 10, day) for day in range(1, 8)),
    ]
    assert due.skipped[0] == Skipped(date(2026, 9, 25), "中秋")
    assert due.skipped[-1] == Skipped(date(2026, 10, 7), "国庆节")
    assert due.makeup_days == ()
    with translation.override("en"):
        assert due.explanation() == [
            f"Time limit 4 working days (30 hours, counted in 08:30{DASH}12:00, 13:30{DASH}17:30)",
            "Starts Fri 25 Sep 18:30 (outside working time, counted from Mon 28 Sep 08:30)",
            f"Skipped 25 Sep{DASH}27 Sep: 中秋",
            f"Skipped 1 Oct{DASH}7 Oct: 国庆节",
            "Due Thu 8 Oct 17:30",
        ]


def test_six_working_days_from_the_same_whistle_end_on_the_make_up_saturday():
    due = due_time(start=at(2026, 9, 25, 18, 30), minutes=6 * DAY, clock=WORKING)
    assert due.due_at == at(2026, 10, 10, 17, 30)
    assert due.makeup_days == (date(2026, 10, 10),)


def test_a_deadline_crossing_the_make_up_saturday_counts_it():
    due = due_time(start=at(2026, 10, 9, 15), minutes=DAY, clock=WORKING)
    # Friday 15:00-17:30 is 150 minutes; Saturday 10 October is worked: 210 in the morning, 90 after lunch.
    assert due.due_at == at(2026, 10, 10, 15)
    assert due.makeup_days == (date(2026, 10, 10),)
    assert due.skipped == ()
    with translation.override("en"):
        assert "Sat 10 Oct is a make-up working day and counts" in due.explanation()


def test_the_make_up_sunday_before_national_day_counts_and_the_saturday_before_it_does_not():
    due = due_time(start=at(2026, 9, 18, 17), minutes=60, clock=WORKING)  # Friday
    assert due.due_at == at(2026, 9, 20, 9)  # Sunday 20 September is worked
    assert due.skipped == (Skipped(date(2026, 9, 19), "weekend"),)
    assert due.makeup_days == (date(2026, 9, 20),)


def test_past_the_entered_range_the_deadline_is_provisional_by_monday_to_friday():
    start = at(2026, 12, 31, 9)
    due = due_time(start=start, minutes=2 * DAY, clock=WORKING)
    # 420 minutes on Thursday 31 December; Friday 1 January 2027 counts by the Monday-to-Friday rule.
    assert due.due_at == at(2027, 1, 4, 9)
    assert due.provisional
    assert due.unentered_years == (2027,)
    assert [span.provisional for span in due.spans] == [False, False, True, True, True]
    with translation.override("en"):
        lines = due.explanation()
    assert lines[-1] == (
        "(The work calendar of 2027 has not been entered: counted Monday to Friday, "
        "so this deadline is provisional.)"
    )
    assert "Due Mon 4 Jan 2027 09:00" in lines


def test_once_2027_is_entered_the_same_deadline_is_no_longer_provisional_and_moves(superuser):
    start = at(2026, 12, 31, 9)
    calendar_enter_year(
        year=2027, holidays=[(date(2027, 1, 1), date(2027, 1, 3), "元旦")], makeup_days=[], actor=superuser
    )
    due = due_time(start=start, minutes=2 * DAY, clock=WORKING)
    # New Year's Day is now off: 420 on 31 December, 450 on Monday 4 January, 30 on Tuesday.
    assert due.due_at == at(2027, 1, 5, 9)
    assert not due.provisional
    assert due.skipped[0] == Skipped(date(2027, 1, 1), "元旦")


def test_around_the_clock_reads_no_calendar(django_assert_num_queries):
    with django_assert_num_queries(0):
        due = due_time(start=at(2026, 9, 30, 18, 30), minutes=24 * 60, clock=Clock.AROUND_THE_CLOCK)
        assert (
            minutes_between(
                start=at(2026, 9, 30, 18, 30), end=at(2026, 10, 1, 18, 30), clock=Clock.AROUND_THE_CLOCK
            )
            == 24 * 60
        )
    assert due.due_at == at(2026, 10, 1, 18, 30)
    assert not due.provisional
    with translation.override("en"):
        assert due.explanation()[0] == "Time limit 24 hours around the clock"


def test_sixty_working_days_cost_one_query_and_a_loaded_calendar_none(django_assert_num_queries):
    start = at(2026, 1, 5, 9)
    with django_assert_num_queries(1):
        due = due_time(start=start, minutes=60 * DAY, clock=WORKING)
    # 420 minutes on 5 January, then 59 whole working days (Spring Festival, 15-23 February, off; the
    # Saturdays 14 and 28 February worked) and 30 minutes on the 61st working day, Friday 3 April.
    assert due.due_at == at(2026, 4, 3, 9)
    assert due.makeup_days == (date(2026, 2, 14), date(2026, 2, 28))
    assert minutes_between(start=start, end=due.due_at, clock=WORKING) == 60 * DAY
    days = CalendarDays.load(date(2026, 1, 1), date(2026, 12, 31))
    with django_assert_num_queries(0):
        assert due_time(start=start, minutes=60 * DAY, clock=WORKING, days=days).due_at == due.due_at
        assert minutes_between(start=start, end=due.due_at, clock=WORKING, days=days) == 60 * DAY


def test_minutes_between_counts_only_office_hours_of_working_days():
    assert minutes_between(start=at(2026, 11, 24, 9), end=at(2026, 11, 24, 9), clock=WORKING) == 0
    assert minutes_between(start=at(2026, 11, 24, 10), end=at(2026, 11, 24, 9), clock=WORKING) == 0
    assert minutes_between(start=at(2026, 11, 24, 11), end=at(2026, 11, 24, 14), clock=WORKING) == 90
    # Friday 17:00 to Monday 09:00 across a weekend.
    assert minutes_between(start=at(2026, 11, 27, 17), end=at(2026, 11, 30, 9), clock=WORKING) == 60
    # The whole of National Day week is not counted.
    assert minutes_between(start=at(2026, 9, 30, 17, 30), end=at(2026, 10, 8, 8, 30), clock=WORKING) == 0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="negative"):
        due_time(start=at(2026, 11, 24, 9), minutes=-1, clock=WORKING)
    with pytest.raises(ValueError, match="clock"):
        due_time(start=at(2026, 11, 24, 9), minutes=1, clock="lunar")
    with pytest.raises(ValueError, match="aware"):
        due_time(start=datetime(2026, 11, 24, 9), minutes=1, clock=WORKING)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["8:30 to 12:00"], "not a range"),
        (["12:00-08:30"], "ends before"),
        (["13:30-17:30", "08:30-12:00"], "in order"),
        (["08:30-12:00", "11:00-17:30"], "in order"),
        ([], "empty"),
    ],
)
def test_bad_office_hours_stop_the_start(values, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_office_hours(values)


def test_other_office_hours_change_the_working_day():
    with override_settings(GRIDGOV_OFFICE_HOURS=["09:00-17:00"]):
        assert minutes_per_working_day() == 480
        assert due_time(start=at(2026, 11, 24, 16), minutes=120, clock=WORKING).due_at == at(2026, 11, 25, 10)


# Starts from a week before National Day 2026 to the spring of 2027 (past the entered range).
starts = st.builds(
    lambda days, minute: at(2026, 9, 20) + timedelta(days=days, minutes=minute),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=24 * 60 - 1),
)
HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(start=starts, minutes=st.integers(min_value=1, max_value=30 * DAY))
def test_counting_back_from_a_deadline_gives_its_limit(start, minutes):
    due = due_time(start=start, minutes=minutes, clock=WORKING)
    assert minutes_between(start=start, end=due.due_at, clock=WORKING) == minutes
    assert sum(span.minutes for span in due.spans) == minutes


@HYPOTHESIS
@given(
    start=starts,
    later_days=st.integers(min_value=0, max_value=40),
    segment=st.sampled_from(((510, 720), (810, 1050))),
    offset=st.integers(min_value=1, max_value=240),
)
def test_a_deadline_lands_on_any_moment_inside_office_time(start, later_days, segment, offset):
    """Inside office time means after an opening and up to its close: at 13:30 the counted time equals
    that of 12:00, and a deadline ends at the earlier one."""
    segment_start, segment_end = segment
    assume(offset <= segment_end - segment_start)
    day = start.date() + timedelta(days=later_days)
    moment = at(day.year, day.month, day.day) + timedelta(minutes=segment_start + offset)
    assume(moment > start.replace(second=0))
    assume(CalendarDays.load(day, day).lookup(day)[0])
    minutes = minutes_between(start=start, end=moment, clock=WORKING)
    assume(minutes > 0)
    assert due_time(start=start, minutes=minutes, clock=WORKING).due_at == moment
