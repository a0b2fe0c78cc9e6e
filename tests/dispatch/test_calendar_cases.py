"""Whistles against the real work calendar (seeded from chinese-calendar for 2024 to 2026).

The 2026 schedule around National Day: 中秋节 Fri 25 to Sun 27 September off, 国庆节 Thu 1 to Wed 7
October off, Saturday 10 October a make-up working day. Office hours 08:30-12:00 and 13:30-17:30: a
working day holds 450 minutes. Quick whistle: check in within 60 working minutes, resolve within 3
working days (1,350 minutes); joint whistle: 120 minutes and 10 working days (4,500 minutes).
"""

from datetime import date

import pytest
from django.utils import translation

from apps.cases.services import case_resume, case_suspend
from apps.dispatch.choices import DeadlineKind, DeadlineState, OrderKind
from apps.dispatch.models import Deadline
from apps.workcalendar.clock import due_time
from apps.workcalendar.services import calendar_enter_year, workday_set
from tests.dispatch.support import at, city_per_module, install_clock, whistled

pytestmark = pytest.mark.django_db
city = city_per_module()


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch, at(2026, 9, 25, 18, 30))


def deadlines(whistle) -> dict[str, Deadline]:
    return {d.kind: d for d in Deadline.objects.filter(order__whistle=whistle)}


def explanation(deadline: Deadline) -> list[str]:
    with translation.override("en"):
        return due_time(
            start=deadline.counted_from, minutes=deadline.minutes, clock=deadline.clock
        ).explanation()


def test_a_quick_whistle_on_the_friday_evening_before_national_day(city, clock):
    _case, whistle = whistled(city, kind=OrderKind.QUICK, by="street")
    found = deadlines(whistle)
    # Blown Fri 25 Sep 18:30, after office hours, on the first day of 中秋节 itself. The 25th, 26th and
    # 27th are off, so the clock starts Mon 28 Sep 08:30: 60 minutes later, 09:30, is the check-in limit.
    assert found[DeadlineKind.ACCEPT].due_at == at(2026, 9, 28, 9, 30)
    # Three whole working days from Mon 28 Sep 08:30: Mon, Tue and Wed, 3 x 450 minutes, so the last
    # counted minute is Wed 30 Sep 17:30, the eve of the National Day holiday.
    assert found[DeadlineKind.RESOLVE].due_at == at(2026, 9, 30, 17, 30)
    assert not any(d.provisional for d in found.values())
    assert explanation(found[DeadlineKind.ACCEPT])[1:] == [
        "Starts Fri 25 Sep 18:30 (outside working time, counted from Mon 28 Sep 08:30)",
        "Skipped 25 Sep\N{EN DASH}27 Sep: 中秋",
        "Due Mon 28 Sep 09:30",
    ]


def test_a_joint_whistle_counts_the_make_up_saturday_after_national_day(city, clock):
    _case, whistle = whistled(
        city, kind=OrderKind.JOINT, by="street", departments=[city.departments[1], city.departments[0]]
    )
    resolve = deadlines(whistle)[DeadlineKind.RESOLVE]
    # From Fri 25 Sep 18:30: 28, 29, 30 Sep (3 days), 1-7 Oct off, Thu 8 and Fri 9 Oct (5), the make-up
    # Saturday 10 Oct (6), Sun 11 off, Mon 12 to Thu 15 Oct (10): due Thu 15 Oct 17:30. Without the
    # make-up day it would be Fri 16 Oct.
    assert resolve.due_at == at(2026, 10, 15, 17, 30)
    calculation = due_time(start=resolve.counted_from, minutes=resolve.minutes, clock=resolve.clock)
    assert calculation.makeup_days == (date(2026, 10, 10),)


def test_a_check_in_limit_falls_due_on_the_make_up_saturday(city, clock):
    clock.set(at(2026, 10, 9, 17, 0))
    _case, whistle = whistled(city, kind=OrderKind.QUICK, by="street")
    found = deadlines(whistle)
    # Fri 9 Oct 17:00: 30 minutes to the close at 17:30, the other 30 on the make-up Saturday from 08:30.
    assert found[DeadlineKind.ACCEPT].due_at == at(2026, 10, 10, 9, 0)
    # 1,350 minutes: 30 on Friday, 450 on Saturday 10 Oct, Mon 12 Oct 450 (930), Tue 13 Oct 420 more,
    # up to 17:00.
    assert found[DeadlineKind.RESOLVE].due_at == at(2026, 10, 13, 17, 0)


@pytest.fixture
def past_the_calendar(city, clock):
    """A joint whistle blown Thu 24 Dec 2026 10:00, whose 10 working days run into 2027 (not entered)."""
    clock.set(at(2026, 12, 24, 10, 0))
    case, whistle = whistled(
        city, kind=OrderKind.JOINT, by="street", departments=[city.departments[1], city.departments[0]]
    )
    return case, whistle


def test_a_limit_past_the_entered_calendar_is_provisional_and_said_to_be(past_the_calendar):
    _case, whistle = past_the_calendar
    found = deadlines(whistle)
    # Check in by 12:00 the same day: inside 2026, firm.
    assert found[DeadlineKind.ACCEPT].due_at == at(2026, 12, 24, 12, 0)
    assert not found[DeadlineKind.ACCEPT].provisional
    # 24 Dec 360 minutes, 25 Dec 810, 28-31 Dec 2,610; then 2027 by the Monday-to-Friday rule: Fri 1 Jan
    # 3,060, Mon 4 to Wed 6 Jan 4,410, and 90 minutes of Thu 7 Jan: 10:00.
    resolve = found[DeadlineKind.RESOLVE]
    assert resolve.due_at == at(2027, 1, 7, 10, 0)
    assert resolve.provisional
    assert "provisional" in explanation(resolve)[-1]
    assert "2027" in explanation(resolve)[-1]


def test_entering_the_next_year_recomputes_provisional_deadlines(past_the_calendar, superuser):
    _case, whistle = past_the_calendar
    calendar_enter_year(
        year=2027,
        holidays=[(date(2027, 1, 1), date(2027, 1, 3), "元旦")],
        makeup_days=[],
        actor=superuser,
    )
    resolve = deadlines(whistle)[DeadlineKind.RESOLVE]
    # 1 January is now a holiday: 2,610 minutes by 31 Dec, Mon 4 to Thu 7 Jan 4,410, 90 minutes of Fri
    # 8 Jan: 10:00. Firm now.
    assert resolve.due_at == at(2027, 1, 8, 10, 0)
    assert not resolve.provisional
    # The first warning (50%, 2,250 minutes) still falls on Thu 31 Dec 10:00, untouched by 2027.
    assert resolve.next_fire_at == at(2026, 12, 31, 10, 0)


def test_overriding_one_date_recomputes_too_and_stays_provisional(past_the_calendar, superuser):
    _case, whistle = past_the_calendar
    workday_set(day=date(2027, 1, 1), is_workday=False, holiday="元旦", actor=superuser)
    resolve = deadlines(whistle)[DeadlineKind.RESOLVE]
    assert resolve.due_at == at(2027, 1, 8, 10, 0)
    assert resolve.provisional  # 4 to 8 January are still counted by the Monday-to-Friday rule


def test_a_paused_deadline_is_recomputed_when_it_resumes(past_the_calendar, clock, superuser):
    case, whistle = past_the_calendar
    clock.set(at(2026, 12, 28, 9, 0))
    case_suspend(case=case, actor=superuser, reason="等待产权单位答复")
    paused = deadlines(whistle)[DeadlineKind.RESOLVE]
    assert paused.state == DeadlineState.PAUSED
    assert paused.counted_minutes == 360 + 450 + 30
    calendar_enter_year(
        year=2027, holidays=[(date(2027, 1, 1), date(2027, 1, 3), "元旦")], makeup_days=[], actor=superuser
    )
    still = deadlines(whistle)[DeadlineKind.RESOLVE]
    assert (still.state, still.due_at) == (DeadlineState.PAUSED, paused.due_at)
    clock.set(at(2026, 12, 29, 9, 0))
    case_resume(case=case, actor=superuser)
    resumed = deadlines(whistle)[DeadlineKind.RESOLVE]
    # 3,660 minutes left from Tue 29 Dec 09:00: 420 that day, 30 and 31 Dec 1,320, 4 to 8 Jan 3,570,
    # and 90 of Mon 11 Jan: 10:00.
    assert resumed.due_at == at(2027, 1, 11, 10, 0)
    assert not resumed.provisional
