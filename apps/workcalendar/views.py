"""Work calendar pages: a year's month grids for everyone signed in; a date's override and a year's entry
for superusers."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.forms import add_service_errors

from .clock import minutes_per_working_day, office_hours_display
from .forms import DayForm, YearEntryForm
from .models import WorkDay
from .selectors import calendar_range, range_warning, year_months, year_schedule
from .services import (
    FIRST_ENTERED_YEAR,
    LAST_ENTERED_YEAR,
    calendar_enter_year,
    workday_set,
)


def _require_superuser(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year
    try:
        year = int(raw)
    except ValueError as error:
        raise BadRequest from error
    if not FIRST_ENTERED_YEAR <= year <= LAST_ENTERED_YEAR:
        raise BadRequest
    return year


def _year_url(year: int) -> str:
    return f"{reverse('workcalendar:year')}?year={year}"


def year_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    first, last = calendar_range()
    shown = {year, timezone.localdate().year}
    if first and last:
        shown |= set(range(first.year, last.year + 2))
    may_change = request.user.is_superuser
    return render(
        request,
        "workcalendar/year.html",
        {
            "year": year,
            "months": year_months(year),
            "years": sorted(y for y in shown if FIRST_ENTERED_YEAR <= y <= LAST_ENTERED_YEAR),
            "previous_year": year - 1 if year > FIRST_ENTERED_YEAR else None,
            "next_year": year + 1 if year < LAST_ENTERED_YEAR else None,
            "first": first,
            "last": last,
            "warning": range_warning(entered=(first, last)),
            "office_hours": office_hours_display(),
            "hours_per_day": f"{minutes_per_working_day() / 60:g}",
            "today": timezone.localdate(),
            "may_change": may_change,
            "day_form": DayForm(initial={"day": timezone.localdate(), "is_workday": True})
            if may_change
            else None,
        },
    )


def _day_initial(raw: str) -> dict:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return {"day": timezone.localdate(), "is_workday": True}
    row = WorkDay.objects.filter(day=day).first()
    if row is None:
        return {"day": day, "is_workday": day.weekday() < 5}
    return {"day": day, "is_workday": row.is_workday, "holiday": row.holiday, "note": row.note}


def day_view(request: HttpRequest) -> HttpResponse:
    """Override one date: a closure for a typhoon, a make-up day the official schedule added late."""
    _require_superuser(request)
    if request.method == "POST":
        form = DayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = workday_set(
                    day=data["day"],
                    is_workday=data["is_workday"],
                    holiday=data["holiday"],
                    note=data["note"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(day)s has been saved.") % {"day": row.day.isoformat()})
                return redirect(_year_url(row.day.year))
    else:
        form = DayForm(initial=_day_initial(request.GET.get("day", "")))
    return render(request, "workcalendar/day_form.html", {"form": form})


def enter_year_view(request: HttpRequest) -> HttpResponse:
    """Enter a year's official holiday schedule, published by the State Council each November."""
    _require_superuser(request)
    if request.method == "POST":
        form = YearEntryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = calendar_enter_year(
                    year=data["year"],
                    holidays=data["holidays"],
                    makeup_days=data["makeup_days"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The calendar of %(year)s has been entered: %(count)s dates changed.")
                    % {"year": data["year"], "count": len(changed)},
                )
                return redirect(_year_url(data["year"]))
    else:
        form = YearEntryForm(initial=_year_initial(request))
    return render(request, "workcalendar/enter_year.html", {"form": form})


def _year_initial(request: HttpRequest) -> dict:
    """The year asked for, or the one after the last entered; with its schedule where it has one."""
    if request.GET.get("year"):
        year = _year(request)
    else:
        _first, last = calendar_range()
        year = last.year + 1 if last else timezone.localdate().year
    holidays, makeup_days = year_schedule(year)
    return {
        "year": year,
        "holidays": "\n".join(f"{first} {last} {name}" for first, last, name in holidays),
        "makeup_days": "\n".join(day.isoformat() for day in makeup_days),
    }
