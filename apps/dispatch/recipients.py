"""Who is told: a department's handlers, and the staff of the level that dispatched or whistled."""

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import PERMISSIONS, Role


def department_handlers(department_ids) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=RoleAssignment.objects.active()
            .filter(role=Role.DEPARTMENT_HANDLER, department_id__in=list(department_ids))
            .values("user_id"),
        )
    )


def area_staff(area_id: int, permission: str = "case.triage") -> list[User]:
    """The people holding, for exactly this area, a role that carries `permission` (a street's staff,
    a community's workers, the district command)."""
    roles = [role for role, permissions in PERMISSIONS.items() if permission in permissions]
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=RoleAssignment.objects.active().filter(role__in=roles, area_id=area_id).values("user_id"),
        )
    )


def department_handlers_by_id(department_ids) -> dict[int, list[User]]:
    """The handlers of each department, with one query."""
    return _by(
        RoleAssignment.objects.active().filter(
            role=Role.DEPARTMENT_HANDLER, department_id__in=list(department_ids)
        ),
        "department_id",
    )


def area_staff_by_id(area_ids, permission: str = "case.triage") -> dict[int, list[User]]:
    """The staff of each area (see area_staff), with one query."""
    roles = [role for role, permissions in PERMISSIONS.items() if permission in permissions]
    return _by(RoleAssignment.objects.active().filter(role__in=roles, area_id__in=list(area_ids)), "area_id")


def _by(assignments, key: str) -> dict[int, list[User]]:
    people: dict[int, dict[int, User]] = {}
    for assignment in assignments.filter(user__is_active=True).select_related("user"):
        people.setdefault(getattr(assignment, key), {})[assignment.user_id] = assignment.user
    return {place: list(users.values()) for place, users in people.items()}
