"""Writes about accounts: one function per action, keyword-only."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from apps.areas.choices import AreaLevel
from apps.areas.models import Area

from .models import RoleAssignment, User
from .roles import ROLE_LEVELS, Role
from .scope import CHANGE, forget_scope, subtree_filter, user_scope


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def api_token_issue(*, user: User) -> Token:
    """The user's API token, created on first request; the same token until it is revoked."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


def _check_may_grant(*, actor, area, department) -> None:
    """A role can be granted only inside the granting user's own "role.change" scope. No actor means the
    system itself (the demo seed, the migrations of later capabilities)."""
    if actor is None:
        return
    scope = user_scope(actor)
    if scope.unrestricted:
        return
    if department is not None:
        from apps.departments.models import Department  # noqa: PLC0415 - departments import accounts

        allowed = Department.objects.restrict(actor, CHANGE).filter(pk=department.pk).exists()
    else:
        condition = subtree_filter(scope.areas("role.change"))
        allowed = condition is not None and Area.objects.filter(condition, pk=area.pk).exists()
    if not allowed:
        raise ValidationError(
            {"area" if department is None else "department": _("You may not grant roles there.")}
        )


@transaction.atomic
def role_grant(
    *,
    actor,
    user: User,
    role: str,
    area=None,
    department=None,
    is_full_time: bool = False,
    leader_kind: str = "",
) -> RoleAssignment:
    """Give a user a role for an area (or, for a department handler, a department)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    levels = ROLE_LEVELS[role]
    if levels is None:
        if department is None or area is not None:
            raise ValidationError({"department": _("A department handler is appointed to a department.")})
    else:
        if area is None or department is not None:
            raise ValidationError({"area": _("This role is held for an area.")})
        if area.level not in levels:
            raise ValidationError(
                {
                    "area": _("A %(role)s is held for a %(levels)s.")
                    % {
                        "role": Role(role).label,
                        "levels": " / ".join(str(AreaLevel(level).label) for level in levels),
                    }
                }
            )
        if not area.is_active:
            raise ValidationError({"area": _("This area has been merged away.")})
    if leader_kind and role != Role.BUILDING_LEADER:
        raise ValidationError({"leader_kind": _("Only building leaders have a kind.")})
    _check_may_grant(actor=actor, area=area, department=department)
    holders = RoleAssignment.objects.active().filter(user=user, role=role)
    if holders.filter(area=area, department=department).exists():
        raise ValidationError(_("%(user)s already holds this role there.") % {"user": user.display_name})
    assignment = RoleAssignment(
        user=user,
        role=role,
        area=area,
        department=department,
        is_full_time=is_full_time,
        leader_kind=leader_kind,
        granted_by=actor,
    )
    assignment.copy_ancestors(area if area is not None else department.area)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        # Two administrators granting the same role at the same moment: the constraint lets one win.
        raise ValidationError(
            _("%(user)s already holds this role there.") % {"user": user.display_name}
        ) from error
    forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is not None:
        raise ValidationError(_("This role has already been revoked."))
    _check_may_grant(actor=actor, area=assignment.area, department=assignment.department)
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.save(update_fields=["revoked_at", "revoked_by"])
    forget_scope(assignment.user)
    return assignment


@transaction.atomic
def user_create_with_role(
    *,
    actor,
    username: str,
    password: str,
    full_name: str,
    role: str,
    area=None,
    department=None,
    is_full_time: bool = False,
    leader_kind: str = "",
) -> User:
    """A scoped administrator's way to add a colleague: the account and its first role together, so that
    no account exists that its creator could not see."""
    user = user_create(username=username, password=password, full_name=full_name)
    role_grant(
        actor=actor,
        user=user,
        role=role,
        area=area,
        department=department,
        is_full_time=is_full_time,
        leader_kind=leader_kind,
    )
    return user
