"""Reads of the work calendar: the range entered, the warning before it runs out, a year's month grids."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import DaySource
from .models import WorkDay

WARNING_DAYS = 60


def calendar_range() -> tuple[date | None, date | None]:
    """The first and the last date entered, (None, None) while the calendar is empty."""
    bounds = WorkDay.objects.aggregate(first=Min("day"), last=Max("day"))
    return bounds["first"], bounds["last"]


def range_warning(
    today: date | None = None, *, entered: tuple[date | None, date | None] | None = None
) -> str | None:
    """A message for administrators once the entered range ends within 60 days or has ended: deadlines
    after it are provisional until next year's schedule is entered. None while the range reaches far
    enough. `entered` is the calendar_range() a caller has read already."""
    today = today or timezone.localdate()
    _first, last = entered or calendar_range()
    if last is None:
        return _(
            "The work calendar is empty: enter the holiday schedule; until then every deadline in "
            "working time is provisional."
        )
    left = (last - today).days
    if left > WARNING_DAYS:
        return None
    values = {"last": date_format(last, "DATE_FORMAT"), "days": left, "year": last.year + 1}
    if left < 0:
        return (
            _(
                "The work calendar was entered only up to %(last)s: enter the holiday schedule of "
                "%(year)s; deadlines after that date are provisional until then."
            )
            % values
        )
    return (
        ngettext(
            "The work calendar is entered only up to %(last)s, %(days)s day from now: enter the holiday "
            "schedule of %(year)s; deadlines after that date are provisional until then.",
            "The work calendar is entered only up to %(last)s, %(days)s days from now: enter the holiday "
            "schedule of %(year)s; deadlines after that date are provisional until then.",
            left,
        )
        % values
    )


@dataclass(frozen=True)
class CalendarCell:
    """A date in a month grid. `kind` is workday, makeup, holiday, weekend or rest (a weekday off
    without a holiday's name); `entered` is False where the Monday-to-Friday rule stands in."""

    day: date
    kind: str
    label: str
    entered: bool
    by_admin: bool


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[CalendarCell | None]]


def _cell(day: date, row: WorkDay | None) -> CalendarCell:
    weekend = day.weekday() >= 5
    if row is None:
        return CalendarCell(
            day, "weekend" if weekend else "workday", _("not entered: Monday to Friday"), False, False
        )
    if row.is_workday:
        kind, label = ("makeup", _("make-up working day")) if weekend else ("workday", "")
    elif row.holiday:
        kind, label = "holiday", row.holiday
    else:
        kind, label = ("weekend", "") if weekend else ("rest", _("rest day"))
    if row.is_workday and row.holiday:
        label = f"{label} ({row.holiday})" if label else row.holiday
    if row.note:
        label = f"{label}: {row.note}" if label else row.note
    return CalendarCell(day, kind, label, True, row.source == DaySource.ADMIN)


def year_months(year: int) -> list[Month]:
    """The twelve month grids of `year`, weeks from Monday, with one query."""
    rows = {row.day: row for row in WorkDay.objects.filter(day__range=(date(year, 1, 1), date(year, 12, 31)))}
    grid = calendar.Calendar(firstweekday=calendar.MONDAY)
    months = []
    for month in range(1, 13):
        weeks = [
            [_cell(day, rows.get(day)) if day.month == month else None for day in week]
            for week in grid.monthdatescalendar(year, month)
        ]
        months.append(Month(first=date(year, month, 1), weeks=weeks))
    return months


def year_schedule(year: int) -> tuple[list[tuple[date, date, str]], list[date]]:
    """The holidays of `year` as entered, (first, last, name) for each run of named days off, and its
    make-up working days: what the year form starts from when a year is corrected."""
    rows = WorkDay.objects.filter(day__range=(date(year, 1, 1), date(year, 12, 31)))
    holidays: list[tuple[date, date, str]] = []
    makeup_days = []
    for row in rows:
        if row.is_makeup_day:
            makeup_days.append(row.day)
        elif not row.is_workday and row.holiday:
            if holidays and holidays[-1][2] == row.holiday and (row.day - holidays[-1][1]).days == 1:
                holidays[-1] = (holidays[-1][0], row.day, row.holiday)
            else:
                holidays.append((row.day, row.day, row.holiday))
    return holidays, makeup_days
