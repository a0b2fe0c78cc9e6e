"""The writes of visits and visit plans. A visit that found a problem reports a case through the case
services (channel "visit") in the same transaction, so a visit and its case stand or fall together."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import require
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.validators import point_errors
from apps.cases.choices import Channel, Urgency
from apps.cases.intake import case_intake
from apps.cases.models import Case, Category
from apps.core.uploads import check_photo
from apps.residents.choices import HouseholdKind, RiskColour
from apps.residents.models import CareTag, Household

from . import schedule
from .choices import VisitKind
from .models import Visit, VisitPhoto, VisitPlan
from .tasks import refresh_schedules

MAX_PHOTOS = 9
# A visit logged late is normal (no signal in a basement); one logged more than this after the fact is not.
MAX_BACKDATE = datetime.timedelta(days=30)
# Phones' clocks run a little fast.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def _place(kind: str, area: Area | None, household: Household | None) -> tuple[Area | None, dict]:
    errors = {}
    if kind not in VisitKind.values:
        errors["kind"] = _("Choose a household visit, a patrol or a data collection.")
    if kind == VisitKind.HOUSEHOLD and household is None:
        errors["household"] = _("Choose the household visited.")
    if household is not None:
        return household.building, errors
    if area is None:
        errors["area"] = _("Choose the grid or building where this took place.")
    elif area.level not in (AreaLevel.GRID, AreaLevel.BUILDING) or not area.is_active:
        errors["area"] = _("Choose a grid or a building.")
    return area, errors


def _when_errors(visited_at: datetime.datetime | None, now: datetime.datetime) -> dict:
    if visited_at is None:
        return {"visited_at": _("Give the time of the visit.")}
    if visited_at > now + CLOCK_SKEW:
        return {"visited_at": _("A visit cannot be dated in the future.")}
    if visited_at < now - MAX_BACKDATE:
        return {"visited_at": _("A visit is logged within 30 days of taking place.")}
    return {}


def _check_photos(photos: Iterable) -> list:
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most 9 photos per visit.")})
    checked, errors = [], []
    for upload in photos:
        try:
            checked.append((upload, check_photo(upload)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"photos": errors})
    return checked


def _existing(actor, idempotency_key: str) -> Visit | None:
    if not idempotency_key:
        return None
    return Visit.objects.filter(worker=actor, idempotency_key=idempotency_key).first()


@transaction.atomic
def visit_log(
    *,
    actor,
    kind: str,
    visited_at: datetime.datetime,
    household: Household | None = None,
    area: Area | None = None,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    met: str = "",
    notes: str = "",
    follow_up: bool = False,
    follow_up_note: str = "",
    photos: Iterable = (),
    idempotency_key: str = "",
    problem: dict | None = None,
) -> tuple[Visit, bool]:
    """Log a visit (走访), patrol (巡查) or data collection (信息采集). Returns (visit, created): the same
    idempotency key from the same worker returns the visit logged the first time. `problem` (category,
    title, description, urgency, route) reports a case found on the visit, prefilled with its place,
    point and photos."""
    existing = _existing(actor, idempotency_key)
    if existing:
        return existing, False
    now = timezone.now()
    place, errors = _place(kind, area, household)
    errors |= _when_errors(visited_at, now) | point_errors(longitude, latitude)
    if follow_up and not follow_up_note.strip():
        errors["follow_up_note"] = _("Say what needs following up.")
    if errors:
        raise ValidationError(errors)
    require(actor, "visit.log", place, {"area": _("You may not log visits here.")})
    checked = _check_photos(photos)
    visit = Visit(
        kind=kind,
        worker=actor,
        area=place,
        household=household,
        visited_at=visited_at,
        longitude=longitude,
        latitude=latitude,
        met=met.strip()[:200],
        notes=notes.strip(),
        follow_up=follow_up,
        follow_up_note=follow_up_note.strip()[:200],
        idempotency_key=idempotency_key,
    )
    visit.copy_ancestors(place)
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        existing = _existing(actor, idempotency_key)
        if existing:
            return existing, False
        raise
    for upload, content_type in checked:
        photo = VisitPhoto(visit=visit, name=upload.name[:200], content_type=content_type, size=upload.size)
        photo.file.save(upload.name, upload, save=False)
        photo.save()
    if household is not None:
        _mark_visited(household, visited_at)
    if problem:
        visit.case = visit_report_case(
            actor=actor, visit=visit, photos=[upload for upload, _type in checked], **problem
        )
    return visit, True


def _mark_visited(household: Household, visited_at: datetime.datetime) -> None:
    """The household's last visit is the latest one, whatever order visits are logged in."""
    updated = Household.objects.filter(pk=household.pk).exclude(last_visited_at__gte=visited_at)
    if updated.update(last_visited_at=visited_at):
        schedule.refresh([household.pk])


def problem_defaults(visit: Visit) -> dict:
    """What the case form starts from when a visit found a problem."""
    place = visit.household.address if visit.household_id else visit.area.name
    return {
        "title": _("Found on a visit: %(place)s") % {"place": place},
        "description": visit.notes,
        "address": visit.household.address if visit.household_id else "",
    }


@transaction.atomic
def visit_report_case(
    *,
    actor,
    visit: Visit,
    category: Category,
    title: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    route: str | None = None,
    department=None,
    photos: Iterable = (),
) -> Case:
    """Report the problem a visit found as a case in the visit's place (channel "visit"), and link it."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("household", "area").get(pk=visit.pk)
    if visit.worker_id != actor.pk:
        raise ValidationError(_("Only the worker who logged the visit reports from it."))
    if visit.case_id:
        raise ValidationError(_("A case has already been reported from this visit."))
    case = case_intake(
        actor=actor,
        route=route,
        department=department,
        channel=Channel.VISIT,
        category=category,
        area=visit.area,
        title=title,
        description=description,
        address=problem_defaults(visit)["address"],
        longitude=float(visit.longitude) if visit.longitude is not None else None,
        latitude=float(visit.latitude) if visit.latitude is not None else None,
        urgency=urgency,
        idempotency_key=f"visit-{visit.pk}",
        photos=photos,
    )
    Visit.objects.filter(pk=visit.pk).update(case=case)
    visit.case = case
    return case


PLAN_FIELDS = ("name", "household_kind", "risk_colour", "care_tag", "interval_days", "is_active")


@transaction.atomic
def visit_plan_save(
    *,
    actor,
    plan: VisitPlan | None = None,
    name: str,
    interval_days: int,
    household_kind: str = "",
    risk_colour: str = "",
    care_tag: CareTag | None = None,
    is_active: bool = True,
) -> VisitPlan:
    """Create or change a visit plan; the plans serve the whole installation, so only superusers change
    them. Every household's schedule is recomputed in the background after the commit."""
    require(actor, "visit.plan", None, _("Only administrators change the visit plans."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the plan a name.")
    if not (isinstance(interval_days, int) and 1 <= interval_days <= 366):
        errors["interval_days"] = _("Visit every 1 to 366 days.")
    if household_kind and household_kind not in HouseholdKind.values:
        errors["household_kind"] = _("Unknown household kind.")
    if risk_colour and risk_colour not in RiskColour.values:
        errors["risk_colour"] = _("Unknown risk colour.")
    if risk_colour and household_kind and household_kind != HouseholdKind.RENTED:
        errors["risk_colour"] = _("Only rentals have a risk colour.")
    if errors:
        raise ValidationError(errors)
    plan = plan or VisitPlan()
    plan.name, plan.interval_days, plan.is_active = name.strip()[:100], interval_days, is_active
    plan.household_kind, plan.risk_colour, plan.care_tag = household_kind, risk_colour, care_tag
    plan.save()
    transaction.on_commit(refresh_schedules.delay)
    return plan
