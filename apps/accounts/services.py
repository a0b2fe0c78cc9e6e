"""Writes about accounts: one function per action, keyword-only."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from apps.areas.choices import AreaLevel
from apps.areas.services import place_row
from apps.core.db import save_or_refuse

from .models import RoleAssignment, User
from .roles import PERMISSIONS, ROLE_LEVELS, SYSTEM_ROLES, Role
from .scope import forget_scope, user_scope


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
    save_or_refuse(user, {"username": _("This username is taken.")})
    return user


def api_token_issue(*, user: User) -> Token:
    """The user's API token, created on first request; the same token until it is revoked."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


def _check_may_grant(*, actor, user, role: str, area, department) -> None:
    """A role can be granted (or revoked) only inside the granting user's own "role.change" scope, never
    to oneself, and never with a permission the granting user does not hold there: a street's staff can
    appoint grid workers and colleagues, not a party secretary or a system administrator. No actor means
    the system itself (the demo seed, the migrations of later capabilities)."""
    if actor is None:
        return
    scope = user_scope(actor)
    if scope.unrestricted:
        return
    field = "area" if department is None else "department"
    if user is not None and user.pk == actor.pk:
        raise ValidationError({field: _("You cannot grant or revoke your own roles.")})
    place = area if department is None else department.area
    held = scope.permissions_over([*place.ancestor_ids, place.pk])
    if "department.change" in held:
        # Who runs a department appoints its handlers, without handling its orders themselves.
        held = held | {"order.handle"}
    if "role.change" in held:
        # Who appoints staff appoints the auditors who read the log of unmasked personal data, without
        # reading it themselves: the log is there to audit them too.
        held = held | {"accesslog.view"}
    if "role.change" not in held:
        raise ValidationError({field: _("You may not grant roles there.")})
    if not PERMISSIONS[role] <= held:
        raise ValidationError(
            {
                "role": _("You cannot grant a role with more rights than your own: %(role)s.")
                % {"role": Role(role).label}
            }
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
    if role in SYSTEM_ROLES:
        raise ValidationError({"role": _("This role belongs to a system account and cannot be granted.")})
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
    _check_may_grant(actor=actor, user=user, role=role, area=area, department=department)
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
    place_row(assignment, area if area is not None else department.area)
    # Two administrators granting the same role at the same moment: the constraint lets one win.
    save_or_refuse(assignment, _("%(user)s already holds this role there.") % {"user": user.display_name})
    forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is not None:
        raise ValidationError(_("This role has already been revoked."))
    _check_may_grant(
        actor=actor,
        user=assignment.user,
        role=assignment.role,
        area=assignment.area,
        department=assignment.department,
    )
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
    no account exists that its creator could not see. The password must pass the password validators."""
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken.")]
    try:
        validate_password(password, User(username=username, full_name=full_name))
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
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
