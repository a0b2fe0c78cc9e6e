"""Staff intake: reporting a case and, for those who may triage, routing it in the same step; and the
scoped reads the intake form needs (the places one may report in, the departments serving a place, the
boundary to pick a point on).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.scope import user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.departments.models import Department
from apps.dispatch.services import case_dispatch

from .choices import HandlingLevel, IntakeRoute
from .models import Case, RoutingRule
from .services import case_accept, case_handle_in_grid, case_report

AREA_SEARCH_LIMIT = 20


@transaction.atomic
def case_intake(*, actor, route: str | None, department: Department | None = None, **report_fields) -> Case:
    """Report a case (`case_report` takes `report_fields`) and route it now: accept it and keep it in the
    grid or dispatch it to `department`. All or nothing: a refused routing leaves no case behind. A
    repeated submission (same idempotency key) returns the case it made the first time, untouched."""
    route = route or IntakeRoute.LEAVE
    if route not in IntakeRoute.values:
        raise ValidationError({"route": _("Choose what to do with the case now.")})
    if route == IntakeRoute.DEPARTMENT and department is None:
        raise ValidationError({"department": _("Choose the department to dispatch the case to.")})
    case, created = case_report(actor=actor, **report_fields)
    if not created or route == IntakeRoute.LEAVE:
        return case
    case = case_accept(case=case, actor=actor)
    if route == IntakeRoute.GRID:
        return case_handle_in_grid(case=case, actor=actor)
    case_dispatch(case=case, department=department, actor=actor)
    case.refresh_from_db()
    return case


def proposed_route(rule: RoutingRule | None, area: Area) -> tuple[str, int | None]:
    """The "route now" choice (route, department id) a routing rule suggests: a rule for the grid keeps
    the case in the grid when the place lies in one, a rule for a department dispatches it there, and a
    rule for the community or the street leaves it to be accepted there."""
    if rule is not None and rule.handling_level == HandlingLevel.GRID and area.grid_id:
        return IntakeRoute.GRID, None
    if rule is not None and rule.handling_level == HandlingLevel.DEPARTMENT:
        return IntakeRoute.DEPARTMENT, rule.department_id
    return IntakeRoute.LEAVE, None


def reportable_areas(user) -> QuerySet[Area]:
    """The communities, grids and buildings the user may see and report cases in."""
    areas = Area.objects.restrict(user).filter(is_active=True, level__gte=AreaLevel.COMMUNITY)
    return areas.holding(user, "case.report")


def area_search(user, text: str) -> list[Area]:
    """Reportable places whose name contains `text` or whose code starts with it: communities first,
    a few at a time (a street has thousands of buildings)."""
    text = text.strip()
    if not text:
        return []
    return list(
        reportable_areas(user)
        .filter(Q(name__icontains=text) | Q(code__startswith=text))
        .order_by("level", "code")[:AREA_SEARCH_LIMIT]
    )


def holds(user, permission: str, area: Area | None = None) -> bool:
    """Whether the user holds `permission` for `area` (through a role for it or above it), or for some
    area when `area` is None: what pages ask before offering an action."""
    scope = user_scope(user)
    if scope.unrestricted or area is None:
        return scope.allows(permission)
    return scope.holds(permission, area)


def serving_departments(user, area: Area) -> QuerySet[Department]:
    """The active departments the user sees that take cases from this place (they serve it or an area
    above it)."""
    return (
        Department.objects.restrict(user)
        .filter(is_active=True, served_areas__in=[*area.ancestor_ids, area.pk])
        .distinct()
        .order_by("level", "name")
    )


def map_boundary(area: Area) -> tuple[Area, dict] | None:
    """The boundary to pick a point on: the place's own, else the nearest enclosing area's that has one
    (buildings seldom have a boundary of their own). None when no area on the chain has one."""
    if area.boundary:
        return area, area.boundary
    holder = (
        Area.objects.filter(pk__in=area.ancestor_ids, boundary__isnull=False)
        .order_by("-level")
        .only("pk", "name", "level", "boundary")
        .first()
    )
    return (holder, holder.boundary) if holder else None
