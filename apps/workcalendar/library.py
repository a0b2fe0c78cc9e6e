"""The official holiday schedule as the chinese-calendar package knows it. No models here: the data
migration that seeds a fresh install uses these functions too."""

from collections.abc import Iterator
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday

# Years before this are history no deadline will be computed in.
FIRST_SEEDED_YEAR = 2024


def library_years() -> range:
    """Every year the installed chinese-calendar has the State Council's schedule for."""
    known = chinese_calendar.constants.holidays
    return range(min(known).year, max(known).year + 1)


def seed_years() -> list[int]:
    return [year for year in library_years() if year >= FIRST_SEEDED_YEAR]


def library_days(year: int) -> Iterator[tuple[date, bool, str]]:
    """(date, is working day, holiday name in Chinese) for every date of `year`. A make-up working day
    carries the name of the holiday it makes up for; an ordinary day or weekend carries none."""
    day, last = date(year, 1, 1), date(year, 12, 31)
    while day <= last:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        yield day, not on_holiday, Holiday(name).chinese if name else ""
        day += timedelta(days=1)
