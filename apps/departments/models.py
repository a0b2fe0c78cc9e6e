"""Departments (职能部门): the bodies that receive dispatches and answer whistles."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import VIEW, RestrictedQuerySet, Scope, subtree_filter
from apps.areas.models import PlacedInArea

from .choices import DepartmentLevel


class Department(PlacedInArea):
    """A functional department of a district or a street (城管执法局, 派出所 …).

    `area` is the district or street it belongs to; `served_areas` are the areas whose cases it takes
    (by default its own area). Everyone whose area lies inside or below the department's own area sees it,
    because those are the departments they dispatch to and whistle in.
    """

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=DepartmentLevel.choices)
    area = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="departments", verbose_name=_("belongs to")
    )
    served_areas = models.ManyToManyField(
        "areas.Area", related_name="serving_departments", blank=True, verbose_name=_("areas served")
    )
    categories = models.ManyToManyField(
        "cases.Category", related_name="departments", blank=True, verbose_name=_("case categories handled")
    )
    phone = models.CharField(_("duty phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "department"

    class Meta:
        ordering = ["level", "area_id", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="department_unique_name_in_area"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | None:
        permission = f"department.{action}"
        areas, own = scope.areas(permission), scope.departments(permission)
        if not areas and not own:
            return None
        condition = Q(id__in=own)
        subtree = subtree_filter(areas)
        if subtree is not None:
            condition |= subtree
        if action == VIEW:
            condition |= Q(area_id__in=sorted(scope.ancestors(permission)))
        return condition
