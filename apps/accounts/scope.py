"""Who may see and change what: the one scoping mechanism of GridGov (backbone decision 3).

Every scoped model's queryset has `restrict(user, action)`. It asks the user's `Scope` which areas the
user holds the permission "<model.scope_resource>.<action>" for, and lets the model turn those areas into
one filter (`scope_filter`), normally an equality on a copied ancestor column. Pages, API endpoints,
exports, counts, form choices and serializer lookups all start from `restrict`; a row outside it does
not exist for that user, so out of scope answers exactly like "not found".
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q

from apps.areas.choices import LEVEL_FIELDS

from .roles import PERMISSIONS, Role

VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class Grant:
    """One role a user holds, with the area it covers (a department handler's: the areas served)."""

    role: str
    areas: tuple[tuple[int, int], ...]  # (level, area id) of each subtree covered
    ancestors: frozenset[int]  # ids of the areas above the covered ones
    department_id: int | None = None


@dataclass
class Scope:
    unrestricted: bool = False
    grants: list[Grant] = field(default_factory=list)

    def _granting(self, permission: str) -> list[Grant]:
        return [grant for grant in self.grants if permission in PERMISSIONS[grant.role]]

    def allows(self, permission: str) -> bool:
        return self.unrestricted or bool(self._granting(permission))

    def areas(self, permission: str) -> list[tuple[int, int]]:
        """(level, area id) of every subtree in which the user holds `permission`."""
        return sorted({area for grant in self._granting(permission) for area in grant.areas})

    def top_areas(self, permission: str) -> list[int]:
        """The areas the permission is held for that lie below no other area it is held for."""
        granting = self._granting(permission)
        covered = {area_id for grant in granting for _level, area_id in grant.areas}
        return sorted(
            {
                area_id
                for grant in granting
                if not grant.ancestors & covered
                for _level, area_id in grant.areas
            }
        )

    def ancestors(self, permission: str) -> set[int]:
        return {area_id for grant in self._granting(permission) for area_id in grant.ancestors}

    def departments(self, permission: str) -> list[int]:
        return sorted({g.department_id for g in self._granting(permission) if g.department_id})

    def holds(self, permission: str, area) -> bool:
        """Whether the permission is held for `area`, through a role held for it or for an area above it."""
        return self.unrestricted or permission in self.permissions_over([*area.ancestor_ids, area.pk])

    def permissions_over(self, chain: list[int]) -> set[str]:
        """What the user may do at an area whose chain (ancestor ids and its own id) is given: the
        permissions of every role held for one of those areas."""
        held = set(chain)
        return {
            permission
            for grant in self.grants
            if any(area_id in held for _level, area_id in grant.areas)
            for permission in PERMISSIONS[grant.role]
        }

    def roles(self) -> list[str]:
        return sorted({grant.role for grant in self.grants}, key=list(Role.values).index)


def subtree_filter(areas: list[tuple[int, int]], prefix: str = "") -> Q | None:
    """Rows whose copied ancestor at the area's level is the area: the union of the subtrees."""
    if not areas:
        return None
    return reduce(or_, (Q(**{f"{prefix}{LEVEL_FIELDS[level]}_id": area_id}) for level, area_id in areas))


def _load(user) -> Scope:
    from apps.areas.models import Area  # noqa: PLC0415 - the models import this module

    from .models import RoleAssignment  # noqa: PLC0415

    if not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(unrestricted=True)
    assignments = list(
        RoleAssignment.objects.active()
        .filter(user=user)
        # A deactivated department's handlers keep their role rows but lose what the role gave them.
        .exclude(department__is_active=False)
        .select_related("area", "department")
        # Only what a grant needs: this runs on every request.
        .only("role", "area__id", "area__level", "area__path", "department__id")
        .prefetch_related(
            Prefetch("department__served_areas", queryset=Area.objects.only("id", "level", "path"))
        )
    )
    grants = []
    for assignment in assignments:
        if assignment.department_id:
            served = assignment.department.served_areas.all()
            grants.append(
                Grant(
                    role=assignment.role,
                    areas=tuple((area.level, area.id) for area in served),
                    ancestors=frozenset(ancestor for area in served for ancestor in area.ancestor_ids),
                    department_id=assignment.department_id,
                )
            )
        elif assignment.area_id:
            area = assignment.area
            grants.append(
                Grant(
                    role=assignment.role,
                    areas=((area.level, area.id),),
                    ancestors=frozenset(area.ancestor_ids),
                )
            )
    return Scope(grants=grants)


def user_scope(user) -> Scope:
    """The user's scope, loaded once per user object (that is, once per request)."""
    scope = getattr(user, "_gridgov_scope", None)
    if scope is None:
        scope = _load(user)
        if user.is_authenticated:
            user._gridgov_scope = scope
    return scope


def require(actor, permission: str, area, error) -> None:
    """The services' one access check: `actor` holds `permission` for `area`, through a role held for that
    area or one above it, else `error` as a ValidationError. No actor means the system itself (the demo
    seed, data migrations); `area` None means the whole installation, which only superusers hold."""
    if actor is None:
        return
    scope = user_scope(actor)
    if scope.unrestricted:
        return
    if area is None or not scope.holds(permission, area):
        raise ValidationError(error)


def forget_scope(user) -> None:
    """Drop the cached scope after the user's roles changed."""
    user.__dict__.pop("_gridgov_scope", None)


class RestrictedQuerySet(models.QuerySet):
    """The queryset of every scoped model."""

    def restrict(self, user, action: str = VIEW):
        scope = user_scope(user)
        if scope.unrestricted:
            return self
        condition = self.model.scope_filter(scope, action)
        return self.none() if condition is None else self.filter(condition)

    def holding(self, user, permission: str):
        """The rows (of a model placed in areas) lying where the user holds `permission`, any permission
        and not only the model's own: the areas a user may report cases in, log visits in, export from."""
        scope = user_scope(user)
        if scope.unrestricted:
            return self
        condition = subtree_filter(scope.areas(permission))
        return self.none() if condition is None else self.filter(condition)
