"""Party coverage: the share of grids with a branch and of buildings with a group, per child area."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from apps.accounts.scope import VIEW
from apps.areas.choices import LEVEL_FIELDS, AreaLevel
from apps.areas.models import Area

from .models import PartyOrganisation


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
