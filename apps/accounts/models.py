from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.areas.models import PlacedInArea

from .roles import BuildingLeaderKind, Role
from .scope import RestrictedQuerySet, Scope


class UserQuerySet(RestrictedQuerySet):
    pass


class GridGovUserManager(UserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True


class User(AbstractUser):
    """A person who signs in to GridGov: staff, grid workers, department handlers, administrators.

    Chinese names are not split into given and family names, so `full_name` is the name shown everywhere;
    the inherited first and last name fields stay empty. A user is in scope for whoever may see one of
    their roles; a user without any role is visible to system-wide administrators only.
    """

    full_name = models.CharField(_("full name"), max_length=100, blank=True)

    objects = GridGovUserManager()

    scope_resource = "role"

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | None:
        condition = RoleAssignment.scope_filter(scope, action)
        if condition is None:
            return None
        return Q(id__in=RoleAssignment.objects.active().filter(condition).values("user_id"))


class RoleAssignmentQuerySet(RestrictedQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(PlacedInArea):
    """A role a user holds for an area (or, for a department handler, for a department).

    A department handler's role copies the department's area into the ancestor columns, so one subtree
    filter covers both kinds. Revoking keeps the row (with who and when), so the history of who held
    which role stays readable.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="roles", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    area = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("area"),
    )
    department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("department"),
    )
    is_full_time = models.BooleanField(_("full-time"), default=False)
    leader_kind = models.CharField(
        _("building leader kind"), max_length=20, choices=BuildingLeaderKind.choices, blank=True
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = RoleAssignmentQuerySet.as_manager()

    scope_resource = "role"

    class Meta:
        ordering = ["user_id", "role", "id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=True, department__isnull=False)
                | Q(area__isnull=False, department__isnull=True),
                name="role_area_xor_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "area"],
                condition=Q(revoked_at__isnull=True, area__isnull=False),
                name="role_unique_active_area",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=Q(revoked_at__isnull=True, department__isnull=False),
                name="role_unique_active_department",
            ),
        ]
        indexes = [models.Index(fields=["area", "role"], name="role_area_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area or self.department}"

    @property
    def place(self):
        return self.area or self.department
