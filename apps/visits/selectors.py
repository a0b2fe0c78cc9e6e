"""Scoped reads of the visit work: who is due for a visit, recent visits, and coverage per child area."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.areas.choices import LEVEL_FIELDS, AreaLevel
from apps.areas.models import Area
from apps.residents.models import Household

from .models import Visit


def visits_due(
    user, *, within: Area | None = None, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Households in the areas where the user logs visits whose next visit is due today or earlier,
    the longest overdue first (the grid worker's list of visits due)."""
    today = today or timezone.localdate()
    households = Household.objects.filter(visit_due_on__lte=today, is_active=True).holding(user, "visit.log")
    if within is not None:
        households = households.filter(**{f"{within.level_field}_id": within.pk})
    return households.select_related("visit_plan").order_by("visit_due_on", "pk")


def overdue_households(user, area: Area, *, today: datetime.date | None = None) -> QuerySet[Household]:
    """Households in the area the user may see whose visit is overdue (due before today)."""
    today = today or timezone.localdate()
    return (
        Household.objects.restrict(user)
        .filter(**{f"{area.level_field}_id": area.pk}, visit_due_on__lt=today, is_active=True)
        .select_related("visit_plan", "grid")
        .order_by("visit_due_on", "pk")
    )


def recent_visits(user, *, worker=None, within: Area | None = None) -> QuerySet[Visit]:
    visits = Visit.objects.restrict(user).select_related("household", "area", "worker", "case")
    if worker is not None:
        visits = visits.filter(worker=worker)
    if within is not None:
        visits = visits.filter(**{f"{within.level_field}_id": within.pk})
    return visits.order_by("-visited_at", "-pk")


@dataclass
class Coverage:
    """Visit coverage of one area: households under a plan, how many are overdue, visits in the window."""

    area: Area
    planned: int = 0
    overdue: int = 0
    visits: int = 0

    @property
    def covered(self) -> int:
        return self.planned - self.overdue

    @property
    def rate(self) -> float | None:
        """Share of planned households visited within their plan's interval; None without any."""
        return self.covered / self.planned if self.planned else None


COVERAGE_WINDOW = datetime.timedelta(days=30)


def coverage(user, area: Area, *, today: datetime.date | None = None) -> tuple[Coverage, list[Coverage]]:
    """Coverage of `area` and of each of its child areas (grids of a community, communities of a street
    …): two grouped queries over the copied ancestor columns, whatever the number of households."""
    today = today or timezone.localdate()
    children = list(Area.objects.restrict(user).filter(parent=area, is_active=True).order_by("code"))
    total = Coverage(area=area)
    if area.level >= AreaLevel.BUILDING:
        return total, []
    child_column = f"{LEVEL_FIELDS[area.level + 1]}_id"
    where = {f"{area.level_field}_id": area.pk}
    rows = {child.pk: Coverage(area=child) for child in children}
    households = (
        Household.objects.restrict(user)
        .filter(**where, is_active=True, visit_due_on__isnull=False)
        .values(child_column)
        .annotate(planned=Count("pk"), overdue=Count("pk", filter=Q(visit_due_on__lt=today)))
        .order_by()
    )
    for row in households:
        target = rows.get(row[child_column])
        for item in (target, total) if target else (total,):
            item.planned += row["planned"]
            item.overdue += row["overdue"]
    since = timezone.now() - COVERAGE_WINDOW
    visits = (
        Visit.objects.restrict(user)
        .filter(**where, visited_at__gte=since)
        .values(child_column)
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in visits:
        target = rows.get(row[child_column])
        for item in (target, total) if target else (total,):
            item.visits += row["count"]
    return total, list(rows.values())


def visits_due_counts(user, *, today: datetime.date | None = None) -> dict[str, int]:
    """How many households are due for a visit (today or earlier) and how many of them are overdue,
    in one query: the workbench's tiles."""
    today = today or timezone.localdate()
    return (
        visits_due(user, today=today)
        .order_by()
        .aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(visit_due_on__lt=today)))
    )
