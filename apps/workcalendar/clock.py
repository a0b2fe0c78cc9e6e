"""Deadline arithmetic: time limits counted around the clock, or in working time.

Working time is the office hours (settings.GRIDGOV_OFFICE_HOURS, local time) of the working days of the
work calendar. A date the calendar has no row for is counted by the plain Monday-to-Friday rule and makes
the result provisional: a deadline is always computed, never silently guessed (DESIGN.md decision 6).
Working time is kept to the minute: the seconds of a start or an end are dropped.

Each call reads the calendar with one query. A caller computing many deadlines loads a `CalendarDays`
once and passes it in as `days`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .choices import Clock
from .models import WorkDay

MINUTES_PER_DAY = 24 * 60
DASH = "\N{EN DASH}"
# Room for the longest official break (Spring Festival: nine days, with its weekends) beyond the five
# working days a week, so that one query usually covers a whole limit.
_SLACK_DAYS = 21


def parse_office_hours(values: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """("08:30-12:00", "13:30-17:30") as minutes of the day, ((510, 720), (810, 1050)); in order, not
    overlapping, within one day. Anything else is a configuration error that names the bad value."""
    segments = []
    for value in values:
        try:
            first, last = (datetime.strptime(part.strip(), "%H:%M").time() for part in value.split("-"))  # noqa: DTZ007 - a time of day
        except ValueError as error:
            raise ImproperlyConfigured(
                f'GRIDGOV_OFFICE_HOURS: "{value}" is not a range of times like "08:30-12:00".'
            ) from error
        start, end = first.hour * 60 + first.minute, last.hour * 60 + last.minute
        if start >= end:
            raise ImproperlyConfigured(f'GRIDGOV_OFFICE_HOURS: "{value}" ends before it starts.')
        if segments and start < segments[-1][1]:
            raise ImproperlyConfigured(
                f'GRIDGOV_OFFICE_HOURS: "{value}" overlaps or precedes the range before it; '
                "list the ranges in order."
            )
        segments.append((start, end))
    if not segments:
        raise ImproperlyConfigured(
            'GRIDGOV_OFFICE_HOURS is empty; give ranges like "08:30-12:00,13:30-17:30".'
        )
    return tuple(segments)


@lru_cache(maxsize=4)
def _parsed(values: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    return parse_office_hours(values)


def office_hours() -> tuple[tuple[int, int], ...]:
    """The office hours of a working day as (start, end) minutes of the day, parsed once per setting."""
    return _parsed(tuple(settings.GRIDGOV_OFFICE_HOURS))


def minutes_per_working_day() -> int:
    """A limit of N working days is N times this many minutes of working time."""
    return sum(end - start for start, end in office_hours())


def _clock_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def office_hours_display() -> str:
    return pgettext("list separator", ", ").join(
        f"{_clock_time(start)}{DASH}{_clock_time(end)}" for start, end in office_hours()
    )


class CalendarDays:
    """The rows of the work calendar for a window of dates, read with one query and extended on demand.

    `lookup(day)` answers (is working day, holiday name, provisional); a date without a row follows the
    Monday-to-Friday rule and is provisional.
    """

    def __init__(self) -> None:
        self._rows: dict[date, tuple[bool, str]] = {}
        self.first: date | None = None
        self.last: date | None = None

    @classmethod
    def load(cls, first: date, last: date) -> "CalendarDays":
        days = cls()
        days.cover(first, last)
        return days

    def cover(self, first: date, last: date) -> None:
        """Make sure the window holds first..last, reading only what is missing (one query at most when
        the window grows on one side)."""
        if self.first is None or self.last is None:
            self._read(first, last)
            self.first, self.last = first, last
            return
        if first < self.first:
            self._read(first, self.first - timedelta(days=1))
            self.first = first
        if last > self.last:
            self._read(self.last + timedelta(days=1), last)
            self.last = last

    def _read(self, first: date, last: date) -> None:
        rows = WorkDay.objects.filter(day__range=(first, last)).values_list("day", "is_workday", "holiday")
        self._rows.update((day, (is_workday, holiday)) for day, is_workday, holiday in rows)

    def lookup(self, day: date) -> tuple[bool, str, bool]:
        row = self._rows.get(day)
        if row is None:
            return day.weekday() < 5, "", True
        return row[0], row[1], False


@dataclass(frozen=True)
class Span:
    """One stretch of counted time: a part of one office-hours range of one day."""

    start: datetime
    end: datetime
    minutes: int
    provisional: bool


@dataclass(frozen=True)
class Skipped:
    """A non-working date that was jumped over, with why: the holiday's name, "weekend" or "rest day"."""

    day: date
    reason: str


def _day_text(day: date, *, with_year: bool = False) -> str:
    if with_year:
        # Translators: a Django date format (the "date" template filter) for a day with its year.
        return date_format(day, pgettext("work calendar date with year", "D j M Y"))
    # Translators: a Django date format (the "date" template filter) for a day of the week and month.
    return date_format(day, pgettext("work calendar date", "D j M"))


def _short_day_text(day: date, *, with_year: bool = False) -> str:
    if with_year:
        # Translators: a Django date format (the "date" template filter): a day in a range, with its year.
        return date_format(day, pgettext("work calendar range date with year", "j M Y"))
    # Translators: a Django date format (the "date" template filter): a day in a range of days.
    return date_format(day, pgettext("work calendar range date", "j M"))


def _hours_text(minutes: int) -> str:
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class DueTime:
    """A computed deadline, with what it was computed from: the counted spans, the dates skipped, the
    make-up working days counted and the years the calendar had no rows for (then it is provisional)."""

    start: datetime
    minutes: int
    clock: str
    due_at: datetime
    provisional: bool
    spans: tuple[Span, ...]
    skipped: tuple[Skipped, ...]
    makeup_days: tuple[date, ...]
    unentered_years: tuple[int, ...] = ()

    def _when(self, moment: datetime) -> str:
        local = timezone.localtime(moment)
        with_year = local.year != timezone.localtime(self.start).year
        return f"{_day_text(local.date(), with_year=with_year)} {local:%H:%M}"

    def _limit_line(self) -> str:
        hours = _hours_text(self.minutes)
        if self.clock == Clock.AROUND_THE_CLOCK:
            return _("Time limit %(hours)s hours around the clock") % {"hours": hours}
        per_day = minutes_per_working_day()
        if self.minutes and self.minutes % per_day == 0:
            days = self.minutes // per_day
            return ngettext(
                "Time limit %(days)s working day (%(hours)s hours, counted in %(office_hours)s)",
                "Time limit %(days)s working days (%(hours)s hours, counted in %(office_hours)s)",
                days,
            ) % {"days": days, "hours": hours, "office_hours": office_hours_display()}
        return _("Time limit %(hours)s working hours (counted in %(office_hours)s)") % {
            "hours": hours,
            "office_hours": office_hours_display(),
        }

    def _skipped_lines(self) -> list[str]:
        """Consecutive skipped dates with the same reason make one line."""
        groups: list[list[Skipped]] = []
        for skipped in self.skipped:
            last = groups[-1][-1] if groups else None
            if last and last.reason == skipped.reason and skipped.day - last.day == timedelta(days=1):
                groups[-1].append(skipped)
            else:
                groups.append([skipped])
        start_year = timezone.localtime(self.start).year
        lines = []
        for group in groups:
            first, last = group[0].day, group[-1].day
            if first == last:
                dates = _day_text(first, with_year=first.year != start_year)
            else:
                dates = (
                    f"{_short_day_text(first, with_year=first.year != start_year)}{DASH}"
                    f"{_short_day_text(last, with_year=last.year != start_year)}"
                )
            lines.append(_("Skipped %(dates)s: %(reason)s") % {"dates": dates, "reason": group[0].reason})
        return lines

    def explanation(self) -> list[str]:
        """How the deadline was computed, line by line, for the case page and the API."""
        lines = [self._limit_line()]
        counted_from = self.spans[0].start if self.spans else self.start
        if self.clock == Clock.WORKING and counted_from > self.start.replace(second=0, microsecond=0):
            lines.append(
                _("Starts %(start)s (outside working time, counted from %(counted_from)s)")
                % {"start": self._when(self.start), "counted_from": self._when(counted_from)}
            )
        else:
            lines.append(_("Starts %(start)s") % {"start": self._when(self.start)})
        lines.extend(self._skipped_lines())
        start_year = timezone.localtime(self.start).year
        lines.extend(
            _("%(day)s is a make-up working day and counts")
            % {"day": _day_text(day, with_year=day.year != start_year)}
            for day in self.makeup_days
        )
        lines.append(_("Due %(due)s") % {"due": self._when(self.due_at)})
        if self.provisional:
            years = pgettext("list separator", ", ").join(str(year) for year in self.unentered_years)
            lines.append(
                _(
                    "(The work calendar of %(years)s has not been entered: counted Monday to Friday, "
                    "so this deadline is provisional.)"
                )
                % {"years": years}
            )
        return lines


def _local_minute(moment: datetime) -> tuple[date, int]:
    if timezone.is_naive(moment):
        raise ValueError("deadline arithmetic needs aware datetimes")
    local = timezone.localtime(moment)
    return local.date(), local.hour * 60 + local.minute


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_default_timezone())


# Adding a ready timedelta is the cheapest way to a moment of the day; spans are built by the hundred.
_MINUTES = tuple(timedelta(minutes=minute) for minute in range(MINUTES_PER_DAY + 1))


def _window(minutes: int) -> int:
    """Calendar days that hold `minutes` of working time in all but unusual stretches."""
    return (minutes // minutes_per_working_day() + 1) * 7 // 5 + _SLACK_DAYS


def _check_clock(clock: str) -> None:
    if clock not in Clock.values:
        raise ValueError(f"unknown clock {clock!r}")


def due_time(*, start: datetime, minutes: int, clock: str, days: CalendarDays | None = None) -> DueTime:
    """The moment a limit of `minutes` counted from `start` runs out. In working time the limit ends at
    the last counted minute (12:00, not 13:30, when it runs out with the morning)."""
    _check_clock(clock)
    if minutes < 0:
        raise ValueError("a time limit cannot be negative")
    if clock == Clock.AROUND_THE_CLOCK or minutes == 0:
        due_at = start + timedelta(minutes=minutes)
        spans = (Span(start, due_at, minutes, provisional=False),) if minutes else ()
        return DueTime(start, minutes, clock, due_at, False, spans, (), ())
    segments = office_hours()
    day, position = _local_minute(start)
    window = _window(minutes)
    if days is None:
        days = CalendarDays()
    days.cover(day, day + timedelta(days=window))
    remaining = minutes
    spans: list[Span] = []
    skipped: list[Skipped] = []
    makeup_days: list[date] = []
    unentered: set[int] = set()
    reasons: dict[bool, str] = {}
    one_day = timedelta(days=1)
    midnight = _midnight(day)
    while True:
        if day > days.last:
            days.cover(day, day + timedelta(days=window))
        is_workday, holiday, provisional = days.lookup(day)
        if provisional:
            unentered.add(day.year)
        if not is_workday:
            weekend = day.weekday() >= 5
            if not holiday and weekend not in reasons:
                reasons[weekend] = _("weekend") if weekend else _("rest day")
            skipped.append(Skipped(day, holiday or reasons[weekend]))
        else:
            counted = _count_day(midnight, position, remaining, segments, provisional)
            if counted and day.weekday() >= 5:
                makeup_days.append(day)
            spans.extend(counted)
            remaining -= sum(span.minutes for span in counted)
            if remaining == 0:
                return DueTime(
                    start=start,
                    minutes=minutes,
                    clock=clock,
                    due_at=spans[-1].end,
                    provisional=bool(unentered),
                    spans=tuple(spans),
                    skipped=tuple(skipped),
                    makeup_days=tuple(makeup_days),
                    unentered_years=tuple(sorted(unentered)),
                )
        day += one_day
        midnight += one_day
        position = 0


def _count_day(
    midnight: datetime,
    position: int,
    remaining: int,
    segments: tuple[tuple[int, int], ...],
    provisional: bool,
) -> list[Span]:
    """The spans counted on a working day (starting at `midnight`, local wall-clock time, which is what
    adding to an aware datetime gives) from minute `position`, up to `remaining` minutes."""
    spans = []
    for segment_start, segment_end in segments:
        begin = max(segment_start, position)
        if begin >= segment_end:
            continue
        taken = min(segment_end - begin, remaining)
        spans.append(Span(midnight + _MINUTES[begin], midnight + _MINUTES[begin + taken], taken, provisional))
        remaining -= taken
        if remaining == 0:
            break
    return spans


def minutes_between(*, start: datetime, end: datetime, clock: str, days: CalendarDays | None = None) -> int:
    """The counted minutes in [start, end): zero when end is not after start."""
    _check_clock(clock)
    if clock == Clock.AROUND_THE_CLOCK:
        return max(0, int((end - start).total_seconds() // 60))
    first_day, first_minute = _local_minute(start)
    last_day, last_minute = _local_minute(end)
    if (last_day, last_minute) <= (first_day, first_minute):
        return 0
    if days is None:
        days = CalendarDays()
    days.cover(first_day, last_day)
    segments = office_hours()
    total = 0
    day = first_day
    while day <= last_day:
        if days.lookup(day)[0]:
            low = first_minute if day == first_day else 0
            high = last_minute if day == last_day else MINUTES_PER_DAY
            for segment_start, segment_end in segments:
                total += max(0, min(segment_end, high) - max(segment_start, low))
        day += timedelta(days=1)
    return total
