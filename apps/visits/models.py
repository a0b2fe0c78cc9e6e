"""Visits (走访, 巡查, 信息采集) by grid workers, their photos, and the plans that say how often each
household must be visited."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet
from apps.areas.models import PlacedInArea
from apps.residents.choices import HouseholdKind, RiskColour

from .choices import VisitKind


class VisitPlan(models.Model):
    """A required visit frequency for the households it matches: every criterion it sets must hold (kind,
    risk colour, a resident holding a care group); none set means every household. A household follows
    the strictest plan that matches it."""

    name = models.CharField(_("name"), max_length=100)
    household_kind = models.CharField(
        _("household kind"), max_length=20, choices=HouseholdKind.choices, blank=True
    )
    risk_colour = models.CharField(_("risk colour"), max_length=10, choices=RiskColour.choices, blank=True)
    care_tag = models.ForeignKey(
        "residents.CareTag",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_plans",
        verbose_name=_("care group"),
    )
    interval_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["interval_days", "name"]
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_days__gte=1, interval_days__lte=366), name="visitplan_interval_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Visit(PlacedInArea):
    """One visit, patrol or data-collection round, placed where it happened (a household's building, a
    building or a grid) with its ancestors copied."""

    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="visits", verbose_name=_("grid worker")
    )
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("place"))
    household = models.ForeignKey(
        "residents.Household",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("household"),
    )
    visited_at = models.DateTimeField(_("visited at"))
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    met = models.CharField(_("who was met"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    follow_up = models.BooleanField(_("follow-up needed"), default=False)
    follow_up_note = models.CharField(_("follow-up"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("case reported"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "visit"

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            # A form sent twice from a phone on a weak network logs one visit.
            models.UniqueConstraint(
                fields=["worker", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="visit_unique_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "visited_at"], name="visit_grid_time_idx"),
            models.Index(fields=["community", "visited_at"], name="visit_community_time_idx"),
            models.Index(fields=["street", "visited_at"], name="visit_street_time_idx"),
            models.Index(fields=["worker", "visited_at"], name="visit_worker_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_at:%Y-%m-%d %H:%M}"


def photo_path(photo: "VisitPhoto", filename: str) -> str:
    return f"visits/{photo.visit_id}/{filename}"


class VisitPhoto(models.Model):
    """A photo taken on a visit, checked by its content (apps.core.uploads) before it is stored."""

    visit = models.ForeignKey(Visit, models.PROTECT, related_name="photos", verbose_name=_("visit"))
    file = models.ImageField(_("photo"), upload_to=photo_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.name
