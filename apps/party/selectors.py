"""Party reads: coverage (the share of grids with a branch and of buildings with a group, per child area),
and where working members are registered and serve."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.scope import VIEW, user_scope
from apps.areas.choices import LEVEL_FIELDS, AreaLevel
from apps.areas.models import Area

from .choices import RegistrationState
from .models import ACTIVE_WITHIN_DAYS, MemberRegistration, PartyOrganisation, ServiceRecord


@dataclass(frozen=True)
class Coverage:
    area: Area
    grids: int
    grids_with_branch: int
    buildings: int
    buildings_with_group: int

    @property
    def branch_rate(self) -> float | None:
        return self.grids_with_branch / self.grids if self.grids else None

    @property
    def group_rate(self) -> float | None:
        return self.buildings_with_group / self.buildings if self.buildings else None


def _covered(level: int, within: Area, user) -> dict[int | None, tuple[int, int]]:
    """For each child of `within`: (areas at `level`, of which bound to a party organisation)."""
    child_field = LEVEL_FIELDS[within.level + 1] if within.level < level else LEVEL_FIELDS[within.level]
    rows = (
        Area.objects.restrict(user, VIEW)
        .filter(is_active=True, level=level, **{f"{within.level_field}_id": within.pk})
        .annotate(bound=Exists(PartyOrganisation.objects.restrict(user, VIEW).filter(area=OuterRef("pk"))))
        .values(f"{child_field}_id")
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(bound=True)))
        .order_by()
    )
    return {row[f"{child_field}_id"]: (row["total"], row["covered"]) for row in rows}


def party_coverage(user, within: Area) -> tuple[Coverage, list[Coverage]]:
    """Coverage of `within` as a whole and of each of its (visible) children: three queries."""
    grids = _covered(AreaLevel.GRID, within, user) if within.level < AreaLevel.GRID else {}
    buildings = _covered(AreaLevel.BUILDING, within, user) if within.level < AreaLevel.BUILDING else {}
    children = list(Area.objects.restrict(user, VIEW).filter(parent=within, is_active=True).order_by("name"))
    rows = [
        Coverage(child, *grids.get(child.pk, (0, 0)), *buildings.get(child.pk, (0, 0))) for child in children
    ]
    total = Coverage(
        within,
        sum(g for g, _c in grids.values()),
        sum(c for _g, c in grids.values()),
        sum(b for b, _c in buildings.values()),
        sum(c for _b, c in buildings.values()),
    )
    return total, rows


def active_since(today: datetime.date | None = None) -> datetime.date:
    """The earliest day of service that still makes a registered member count as active (活跃)."""
    return (today or timezone.localdate()) - datetime.timedelta(days=ACTIVE_WITHIN_DAYS)


def _records_of_registration():
    # A service record is seen by whoever sees its registration, so the sums need no scoping of their own.
    return ServiceRecord.objects.filter(registration=OuterRef("pk")).order_by().values("registration")


def registrations(user, action: str = VIEW) -> QuerySet[MemberRegistration]:
    """The registrations the user sees, each with its hours of service this year, its last day of service
    and whether the member is active: one query, whatever the number of rows."""
    today = timezone.localdate()
    hours = _records_of_registration().filter(served_on__year=today.year).annotate(total=Sum("hours"))
    last = _records_of_registration().annotate(last=Max("served_on"))
    return (
        MemberRegistration.objects.restrict(user, action)
        .select_related("member__organisation", "area", "community")
        .annotate(
            hours_this_year=Coalesce(
                Subquery(hours.values("total"), output_field=DecimalField(max_digits=9, decimal_places=1)),
                Value(0, output_field=DecimalField(max_digits=9, decimal_places=1)),
            ),
            last_served_on=Subquery(last.values("last"), output_field=DateField()),
        )
        .annotate(
            # A CASE rather than the bare condition, which is NULL (not false) when there is no service.
            is_serving=Case(
                When(Q(state=RegistrationState.ACTIVE, last_served_on__gte=active_since(today)), then=True),
                default=False,
                output_field=BooleanField(),
            )
        )
    )


@dataclass(frozen=True)
class ServicePlace:
    """Where the working members of an organisation are registered: one community."""

    community_id: int
    community_name: str
    registered: int
    serving: int


def organisation_service_places(user, organisation: PartyOrganisation) -> list[ServicePlace]:
    """The communities the (visible) working members of `organisation` are registered with, with how many
    are registered there and how many of them are active: one query."""
    served = ServiceRecord.objects.filter(registration=OuterRef("pk"), served_on__gte=active_since())
    rows = (
        MemberRegistration.objects.restrict(user, VIEW)
        .filter(member__organisation=organisation, state=RegistrationState.ACTIVE)
        .values("community_id", "community__name")
        .annotate(registered=Count("pk"), serving_count=Count("pk", filter=Q(Exists(served))))
        .order_by("-registered", "community__name")
    )
    return [
        ServicePlace(row["community_id"], row["community__name"], row["registered"], row["serving_count"])
        for row in rows
    ]


def registration_communities(user) -> QuerySet[Area]:
    """The communities the user may register members with: any active community of a district where the
    user holds "cogov.change" or "party.change". Wider than what the user sees, on purpose: an organisation
    registers its members with the communities where they live, which may lie in another street."""
    scope = user_scope(user)
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY, is_active=True)
    if scope.unrestricted:
        return communities
    held = {
        area_id
        for permission in ("cogov.change", "party.change")
        for _level, area_id in scope.areas(permission)
    }
    districts = Area.objects.filter(pk__in=held).values("district_id")
    return communities.filter(district_id__in=districts)
