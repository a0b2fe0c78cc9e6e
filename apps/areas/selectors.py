"""Reads of the grid that scope through `restrict`: the visible tops of the tree, search, the compliance
report against the grid standards."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.scope import VIEW, user_scope

from .choices import AreaLevel, ComplianceRule
from .models import Area, GridStandard
from .services import current_standard


def area_roots(user) -> QuerySet[Area]:
    """The highest areas the user sees: every district for a system-wide administrator, otherwise the
    areas of the user's roles."""
    areas = Area.objects.restrict(user, VIEW).filter(is_active=True)
    scope = user_scope(user)
    if scope.unrestricted:
        return areas.filter(level=AreaLevel.DISTRICT)
    return areas.filter(pk__in=[area_id for _level, area_id in scope.areas("area.view")])


def area_search(user, text: str) -> QuerySet[Area]:
    text = text.strip()
    return (
        Area.objects.restrict(user, VIEW)
        .filter(is_active=True)
        .filter(Q(name__icontains=text) | Q(code__startswith=text))
        .order_by("level", "code")
    )


def area_subtree(user, area: Area) -> QuerySet[Area]:
    """The area and everything below it that the user may see."""
    return Area.objects.restrict(user, VIEW).filter(**{f"{area.level_field}_id": area.pk})


@dataclass(frozen=True)
class Violation:
    area: Area
    rule: str
    figure: Decimal | int
    limit: Decimal | int

    @property
    def rule_label(self) -> str:
        return ComplianceRule(self.rule).label


def _role_count(
    roles: QuerySet, role: str, *, column: str = "area", full_time: bool | None = None
) -> Subquery:
    holders = roles.filter(role=role, **{column: OuterRef("pk")})
    if full_time is not None:
        holders = holders.filter(is_full_time=full_time)
    counted = holders.order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def compliance_violations(user, *, within: Area | None = None, rule: str = "") -> list[Violation]:
    """Every area in the user's scope outside a grid standard, with its figure and the limit it breaks."""
    standard: GridStandard = current_standard()
    areas = Area.objects.restrict(user, VIEW).filter(is_active=True)
    if within is not None:
        areas = areas.filter(**{f"{within.level_field}_id": within.pk})
    # Staffing is read from the roles the user may see; without "role.view" those rules are not checked.
    staffing = user_scope(user).allows("role.view")
    roles = RoleAssignment.objects.restrict(user, VIEW).active()
    grids = areas.filter(level=AreaLevel.GRID).annotate(
        heads=Exists(roles.filter(role=Role.GRID_HEAD, area=OuterRef("pk"))),
        full_time=_role_count(roles, Role.GRID_WORKER, full_time=True),
    )
    communities = areas.filter(level=AreaLevel.COMMUNITY).annotate(
        workers=_role_count(roles, Role.COMMUNITY_WORKER)
        + _role_count(roles, Role.GRID_WORKER, column="community", full_time=True),
    )
    found: list[Violation] = []
    for grid in grids.order_by("code"):
        if grid.households < standard.households_per_grid_min:
            found.append(
                Violation(
                    grid,
                    ComplianceRule.GRID_HOUSEHOLDS_LOW,
                    grid.households,
                    standard.households_per_grid_min,
                )
            )
        elif grid.households > standard.households_per_grid_max:
            found.append(
                Violation(
                    grid,
                    ComplianceRule.GRID_HOUSEHOLDS_HIGH,
                    grid.households,
                    standard.households_per_grid_max,
                )
            )
        if staffing and standard.grid_head_required and not grid.heads:
            found.append(Violation(grid, ComplianceRule.NO_GRID_HEAD, 0, 1))
        if staffing and grid.full_time < standard.full_time_workers_per_grid:
            found.append(
                Violation(
                    grid,
                    ComplianceRule.NO_FULL_TIME_WORKER,
                    grid.full_time,
                    standard.full_time_workers_per_grid,
                )
            )
    for community in communities.order_by("code"):
        if community.households > standard.community_split_above:
            found.append(
                Violation(
                    community,
                    ComplianceRule.COMMUNITY_SPLIT,
                    community.households,
                    standard.community_split_above,
                )
            )
        elif community.households < standard.community_merge_below:
            found.append(
                Violation(
                    community,
                    ComplianceRule.COMMUNITY_MERGE,
                    community.households,
                    standard.community_merge_below,
                )
            )
        if staffing and community.population:
            ratio = (Decimal(community.workers) * 10000 / community.population).quantize(Decimal("0.1"))
            if ratio < standard.workers_per_10k_residents:
                found.append(
                    Violation(
                        community, ComplianceRule.STAFFING_RATIO, ratio, standard.workers_per_10k_residents
                    )
                )
    if rule:
        found = [violation for violation in found if violation.rule == rule]
    found.sort(key=lambda violation: (violation.area.code, violation.rule))
    return found


def with_child_flag(areas: QuerySet[Area]) -> QuerySet[Area]:
    """Mark each area that has active areas below it (`has_children`), for the tree's expand buttons."""
    return areas.annotate(has_children=Exists(Area.objects.filter(parent=OuterRef("pk"), is_active=True)))


def area_paths(user, areas: list[Area]) -> dict[int, list[Area]]:
    """For each area, the ancestors the user may see, from the top down: one query for all of them."""
    wanted = {ancestor for area in areas for ancestor in area.ancestor_ids}
    visible = {ancestor.pk: ancestor for ancestor in Area.objects.restrict(user, VIEW).filter(pk__in=wanted)}
    return {
        area.pk: [visible[ancestor] for ancestor in area.ancestor_ids if ancestor in visible]
        for area in areas
    }
