"""Writes to the work calendar: the seed from chinese-calendar, one date overridden, a year entered."""

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .choices import DaySource
from .clock import DASH
from .library import library_days, library_years, seed_years
from .models import WorkDay

FIRST_ENTERED_YEAR = 2000
LAST_ENTERED_YEAR = 2100
_WRITTEN_FIELDS = ["is_workday", "source", "holiday", "note", "updated_by", "updated_at"]


def after_calendar_change(first_day: date, last_day: date) -> None:
    """Called by every calendar write with the dates it changed, inside its transaction: the provisional
    deadlines are recomputed at once, so that they are firm when the write commits."""
    from apps.dispatch.deadlines import recompute_provisional  # noqa: PLC0415 - dispatch builds on the calendar

    recompute_provisional(first_day, last_day)


def _check_superuser(actor) -> None:
    # No actor means the system itself (data migrations, the seed).
    if actor is not None and not actor.is_superuser:
        raise ValidationError(_("Only a superuser may change the work calendar."))


def _day_text(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _changed(rows: list[WorkDay]) -> None:
    if rows:
        after_calendar_change(min(row.day for row in rows), max(row.day for row in rows))


@transaction.atomic
def calendar_seed(*, years: Iterable[int] | None = None, actor=None) -> int:
    """Fill the calendar from chinese-calendar for `years` (default: every year it knows from 2024 on).
    Dates an administrator entered stay as they are; running it again changes nothing unless the package
    learnt something new. Returns the number of dates created or changed."""
    _check_superuser(actor)
    supported = library_years()
    years = sorted(set(seed_years() if years is None else years))
    unknown = [year for year in years if year not in supported]
    if unknown:
        raise ValidationError(
            {
                "years": _(
                    "The holiday schedule of %(years)s is not known yet (known: %(first)s to %(last)s); "
                    "enter it by hand."
                )
                % {
                    "years": ", ".join(str(year) for year in unknown),
                    "first": supported[0],
                    "last": supported[-1],
                }
            }
        )
    if not years:
        return 0
    rows = WorkDay.objects.select_for_update().filter(
        day__range=(date(years[0], 1, 1), date(years[-1], 12, 31))
    )
    existing = {row.day: row for row in rows.order_by()}
    now = timezone.now()
    created, updated = [], []
    for year in years:
        for day, is_workday, holiday in library_days(year):
            row = existing.get(day)
            if row is None:
                created.append(
                    WorkDay(
                        day=day,
                        is_workday=is_workday,
                        holiday=holiday,
                        source=DaySource.LIBRARY,
                        updated_by=actor,
                        updated_at=now,
                    )
                )
            elif row.source == DaySource.LIBRARY and (row.is_workday, row.holiday) != (is_workday, holiday):
                row.is_workday, row.holiday, row.updated_by, row.updated_at = is_workday, holiday, actor, now
                updated.append(row)
    # A concurrent seed may have written some of the same dates: theirs are the same rows, so skip them.
    WorkDay.objects.bulk_create(created, ignore_conflicts=True, batch_size=1000)
    WorkDay.objects.bulk_update(updated, _WRITTEN_FIELDS, batch_size=1000)
    _changed(created + updated)
    return len(created) + len(updated)


@transaction.atomic
def workday_set(*, day: date, is_workday: bool, holiday: str = "", note: str = "", actor) -> WorkDay:
    """Enter or override one date (a typhoon closure, a make-up day the package does not know)."""
    _check_superuser(actor)
    row = WorkDay(
        day=day,
        is_workday=is_workday,
        holiday=holiday.strip(),
        note=note.strip(),
        source=DaySource.ADMIN,
        updated_by=actor,
    )
    # The date may already have a row: that is the one being overridden, not a clash.
    row.full_clean(exclude=["updated_by"], validate_unique=False)
    row, _created = WorkDay.objects.update_or_create(
        day=day,
        defaults={
            "is_workday": row.is_workday,
            "holiday": row.holiday,
            "note": row.note,
            "source": DaySource.ADMIN,
            "updated_by": actor,
        },
    )
    after_calendar_change(day, day)
    return row


def _check_holidays(year: int, holidays: list[tuple[date, date, str]]) -> tuple[list, list[str]]:
    """The holiday ranges that lie in `year` as (first, last, label), and what is wrong with the rest."""
    errors = []
    name_length = WorkDay._meta.get_field("holiday").max_length
    ranges = []
    for first, last, name in holidays:
        label = f"{_day_text(first)}{DASH}{_day_text(last)} {name}".strip()
        if not name.strip():
            errors.append(_("%(holiday)s: a holiday needs a name.") % {"holiday": label})
        elif len(name.strip()) > name_length:
            errors.append(
                _("%(holiday)s: a holiday's name has at most %(length)s characters.")
                % {"holiday": label, "length": name_length}
            )
        if first > last:
            errors.append(_("%(holiday)s: the first day is after the last.") % {"holiday": label})
        elif first.year != year or last.year != year:
            errors.append(
                _("%(holiday)s lies outside %(year)s; set dates of another year one by one.")
                % {"holiday": label, "year": year}
            )
        else:
            ranges.append((first, last, label))
    ranges.sort()
    for (_first, previous_last, previous), (first, _last, label) in pairwise(ranges):
        if first <= previous_last:
            errors.append(_("%(holiday)s overlaps %(other)s.") % {"holiday": label, "other": previous})
    return ranges, errors


def _check_makeup_days(year: int, makeup_days: list[date], ranges: list) -> list[str]:
    errors = []
    for day in sorted(set(makeup_days)):
        if day.year != year:
            errors.append(
                _("%(day)s lies outside %(year)s; set dates of another year one by one.")
                % {"day": _day_text(day), "year": year}
            )
        elif day.weekday() < 5:
            errors.append(
                _("%(day)s is a weekday: a make-up working day falls on a Saturday or a Sunday.")
                % {"day": _day_text(day)}
            )
        elif inside := next((label for first, last, label in ranges if first <= day <= last), None):
            errors.append(
                _("%(day)s falls inside the holiday %(holiday)s.")
                % {"day": _day_text(day), "holiday": inside}
            )
    return errors


def _check_year_entry(year: int, holidays: list[tuple[date, date, str]], makeup_days: list[date]) -> None:
    if not FIRST_ENTERED_YEAR <= year <= LAST_ENTERED_YEAR:
        raise ValidationError(
            {
                "year": _("Enter a year from %(first)s to %(last)s.")
                % {"first": FIRST_ENTERED_YEAR, "last": LAST_ENTERED_YEAR}
            }
        )
    ranges, holiday_errors = _check_holidays(year, holidays)
    errors = {"holidays": holiday_errors, "makeup_days": _check_makeup_days(year, makeup_days, ranges)}
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def calendar_enter_year(
    *, year: int, holidays: list[tuple[date, date, str]], makeup_days: list[date], actor
) -> list[WorkDay]:
    """Enter a year's official schedule (published each November): every date of `year` is written,
    weekends off except the make-up working days, the holiday ranges (first, last, name) off. Earlier
    entries and overrides of that year are replaced. Returns the dates whose entry changed."""
    _check_superuser(actor)
    _check_year_entry(year, holidays, makeup_days)
    off = {}
    for first, last, name in holidays:
        day = first
        while day <= last:
            off[day] = name.strip()
            day += timedelta(days=1)
    makeup = set(makeup_days)
    existing = {row.day: row for row in WorkDay.objects.select_for_update().filter(day__year=year).order_by()}
    now = timezone.now()
    changed = []
    day = date(year, 1, 1)
    while day.year == year:
        is_workday = day in makeup or (day.weekday() < 5 and day not in off)
        holiday = off.get(day, "")
        row = existing.get(day)
        if row is None or (row.is_workday, row.holiday, row.note, row.source) != (
            is_workday,
            holiday,
            "",
            DaySource.ADMIN,
        ):
            changed.append(
                WorkDay(
                    day=day,
                    is_workday=is_workday,
                    holiday=holiday,
                    note="",
                    source=DaySource.ADMIN,
                    updated_by=actor,
                    updated_at=now,
                )
            )
        day += timedelta(days=1)
    WorkDay.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=_WRITTEN_FIELDS,
        batch_size=1000,
    )
    _changed(changed)
    return changed
