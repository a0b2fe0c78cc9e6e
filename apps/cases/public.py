"""The resident's side of cases, reached without an account: report points (the QR codes of 一键达), the
throttled public report, and what the follow link shows of a case.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.accounts.scope import require
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.core.counters import Count, count, give_back

from .choices import CaseAction, Channel
from .models import Case, Category, ReportPoint
from .services import case_report

# Places that get a report point: a community, a grid and each building.
POINT_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.GRID, AreaLevel.BUILDING)
TITLE_LENGTH = 30


@transaction.atomic
def report_points_for(*, actor, areas: list[Area]) -> dict[int, ReportPoint]:
    """The active report point of each place (area id: point), created for those that have none yet."""
    for area in areas:
        require(actor, "case.view", area, _("You may not print report codes for %(name)s.") % {"name": area})
        if area.level not in POINT_LEVELS or not area.is_active:
            raise ValidationError(_("Report codes are printed for communities, grids and buildings."))
    ids = [area.pk for area in areas]
    missing = set(ids) - set(
        ReportPoint.objects.filter(area_id__in=ids, is_active=True).values_list("area_id", flat=True)
    )
    # Two staff opening the same page at once: the unique constraint keeps one point per place.
    ReportPoint.objects.bulk_create(
        [ReportPoint(area_id=pk) for pk in sorted(missing)], ignore_conflicts=True
    )
    return {point.area_id: point for point in ReportPoint.objects.filter(area_id__in=ids, is_active=True)}


class ThrottledError(ValidationError):
    """Too many public reports from one address or one report point within the hour."""


class _HourlyCounter:
    """Fixed one-hour windows in the cache (apps.core.counters: Redis in production, shared by every
    worker). Counting before the report is written keeps concurrent submissions from slipping past the
    limit together."""

    def __init__(self, key: str, limit: int):
        self.name = f"public-report:{key}"
        self.limit = limit
        self.taken: Count | None = None

    def take(self) -> bool:
        self.taken = count(self.name, window=3600)
        return self.taken.value <= self.limit

    def give_back(self) -> None:
        if self.taken is not None:
            give_back(self.taken)


def resident_report(
    *,
    point: ReportPoint,
    client: str,
    category: Category,
    description: str,
    photos=(),
    reporter_name: str = "",
    reporter_phone: str = "",
) -> Case:
    """A resident's report through a report point (no account): at most GRIDGOV_PUBLIC_REPORTS_PER_HOUR
    an hour from one client address and GRIDGOV_PUBLIC_REPORTS_PER_POINT_PER_HOUR from one point. A
    refused report does not count."""
    if not point.is_active or not point.area.is_active:
        raise ValidationError(_("This report code is no longer in use."))
    counters = [
        _HourlyCounter(f"client:{client}", settings.GRIDGOV_PUBLIC_REPORTS_PER_HOUR),
        _HourlyCounter(f"point:{point.pk}", settings.GRIDGOV_PUBLIC_REPORTS_PER_POINT_PER_HOUR),
    ]
    taken = []
    for counter in counters:
        taken.append(counter)
        if not counter.take():
            for each in taken:
                each.give_back()
            raise ThrottledError(
                _("Too many reports have been sent from here within the hour. Please try again later."),
                code="throttled",
            )
    try:
        case, _created = case_report(
            actor=None,
            channel=Channel.RESIDENT,
            category=category,
            area=point.area,
            title=Truncator(" ".join(description.split())).chars(TITLE_LENGTH),
            description=description,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            photos=photos,
        )
    except ValidationError:
        for counter in counters:
            counter.give_back()
        raise
    return case


# What the follow link shows: the steps of the case, never who took them. The deadline engine's and the
# superiors' entries (warnings, escalations, supervision, extensions, ratings of departments) and
# attachments are the staff's business.
PUBLIC_ACTIONS = frozenset(CaseAction.values) - {
    CaseAction.WARNING,
    CaseAction.OVERDUE,
    CaseAction.ESCALATE,
    CaseAction.SUPERVISE,
    CaseAction.RATE_RESPONSE,
    CaseAction.EXTENSION_REQUEST,
    CaseAction.EXTENSION_DECISION,
    CaseAction.ATTACH,
    CaseAction.RETURN,
}
# Of the reasons given, residents read only why their case was rejected and what was done about it.
PUBLIC_REASONS = frozenset({CaseAction.REJECT, CaseAction.RESOLVE})
# Phone numbers in those texts are masked, residents' and staff's alike: every run of seven or more digits
# (spaces and dashes allowed between them) that is not a date.
DIGITS = re.compile(r"(?<!\d)\d(?:[ -]?\d){6,}(?!\d)")
DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


@dataclass(frozen=True)
class PublicEntry:
    action: str
    label: str
    at: datetime
    text: str


def masked(text: str) -> str:
    return DIGITS.sub(
        lambda match: match.group() if DATE.fullmatch(match.group()) else "*" * len(match.group()), text
    )


def public_timeline(case: Case) -> list[PublicEntry]:
    return [
        PublicEntry(
            action=event.action,
            label=event.get_action_display(),
            at=event.created_at,
            text=masked(event.reason) if event.action in PUBLIC_REASONS else "",
        )
        for event in case.events.filter(action__in=PUBLIC_ACTIONS).only(
            "action", "reason", "created_at", "case_id"
        )
    ]
