"""Cases (事件): one resident demand or found problem, its category, timeline, attachments and routing."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet, Scope, subtree_filter
from apps.areas.models import PlacedInArea
from apps.core.crypto import decrypt, mask_phone

from .choices import (
    OPEN_STATUSES,
    AttachmentKind,
    CaseAction,
    CaseStatus,
    Channel,
    HandlingLevel,
    Rating,
    Urgency,
)


class Category(models.Model):
    """One node of the editable case category tree (矛盾纠纷 > 邻里纠纷 …)."""

    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")

    def __str__(self) -> str:
        return self.name


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CaseQuerySet(RestrictedQuerySet):
    def open(self):
        # An IN list, not NOT IN: it is what the partial indexes on open cases are defined by.
        return self.filter(status__in=OPEN_STATUSES)


class Case(PlacedInArea):
    """A case, placed in the most precise area known (down to the building) with its ancestors copied.

    The performance facts (accepted_at, resolved_at, closed_at, rated_at …) are written at the moment of
    the transition and never recomputed. `serial` is the number people quote on the phone.
    """

    # Null until the row has its id, from which the serial is made; unique once set.
    # The composite indexes below lead with these columns, so they need no index of their own: every
    # index a case carries is paid for at each report.
    district = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        db_index=False,
    )
    street = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street"),
        db_index=False,
    )
    community = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
        db_index=False,
    )
    grid = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grid"),
        db_index=False,
    )
    serial = models.CharField(  # noqa: DJ001
        _("serial number"), max_length=20, unique=True, null=True, editable=False
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(Category, models.PROTECT, related_name="cases", verbose_name=_("category"))
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="cases", verbose_name=_("area"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone_encrypted = models.TextField(_("reporter's phone (encrypted)"), blank=True, editable=False)
    reporter_phone_hash = models.CharField(
        _("reporter's phone (keyed hash)"), max_length=64, blank=True, db_index=True, editable=False
    )
    external_system = models.CharField(_("external system"), max_length=30, blank=True)
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True, editable=False)

    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REPORTED
    )
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    handled_in_grid = models.BooleanField(_("handled within the grid"), default=False)
    lead_department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name=_("lead department"),
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
        db_index=False,
    )
    leader_claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_cases",
        verbose_name=_("claimed by leader"),
        db_index=False,
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    # Residents reach their case without an account: one link to follow it, one to rate it.
    follow_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    rating_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name=_("reported by"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("reported at"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("first dispatched at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    leader_claimed_at = models.DateTimeField(_("claimed by leader at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()
    scope_resource = "case"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["external_system", "external_ref"],
                condition=~Q(external_ref=""),
                name="cases_case_unique_external_ref",
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="cases_case_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="cases_case_point_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["street", "status", "-created_at"], name="cases_street_status"),
            models.Index(fields=["community", "status", "-created_at"], name="cases_community_status"),
            models.Index(fields=["grid", "status", "-created_at"], name="cases_grid_status"),
            models.Index(fields=["district", "status", "-created_at"], name="cases_district_status"),
            models.Index(fields=["category", "status", "created_at"], name="cases_category_open"),
            # The open cases of a place, newest first: the inboxes' default view, a few rows of each
            # index per page whatever the history behind them.
            *(
                models.Index(
                    fields=[level, "-created_at", "-id"],
                    condition=Q(status__in=OPEN_STATUSES),
                    name=f"cases_{level}_open",
                )
                for level in ("district", "street", "community", "grid")
            ),
            # The open cases by place: the dashboards count them per area every minute from this
            # index alone (apps.dashboards.rollup.count_stock).
            models.Index(
                fields=["district", "street", "community", "grid"],
                condition=Q(status__in=OPEN_STATUSES),
                name="cases_open_places",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial} {self.title}"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | None:
        """Cases in the areas where the user holds case.<action>, and for department handlers the cases
        dispatched to their departments."""
        condition = subtree_filter(scope.areas(f"case.{action}"))
        departments = scope.departments("order.handle") if action == "view" else []
        if departments:
            from apps.dispatch.models import DispatchOrder  # noqa: PLC0415 - dispatch builds on cases

            ordered = Q(pk__in=DispatchOrder.objects.filter(department__in=departments).values("case_id"))
            condition = ordered if condition is None else condition | ordered
        return condition

    @property
    def reporter_phone_masked(self) -> str:
        return mask_phone(decrypt(self.reporter_phone_encrypted))

    @property
    def is_open(self) -> bool:
        return self.status not in {CaseStatus.REJECTED, CaseStatus.CLOSED, CaseStatus.MERGED}


class CaseEvent(models.Model):
    """One entry of a case's append-only timeline: what the UI shows and what audits read."""

    # The composite index (case, created_at) serves the case's lookups; no index of its own on either key,
    # because timelines are written far more often than searched by actor.
    case = models.ForeignKey(
        Case, models.PROTECT, related_name="events", verbose_name=_("case"), db_index=False
    )
    action = models.CharField(_("action"), max_length=30, choices=CaseAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        db_index=False,
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=CaseStatus.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "created_at"], name="cases_event_case_time")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


def attachment_path(instance: "CaseAttachment", filename: str) -> str:
    return f"cases/{instance.case_id}/{secrets.token_hex(8)}-{filename[-80:]}"


class CaseAttachment(models.Model):
    """A photo or document on a case, attached by the action whose timeline entry it belongs to."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="attachments", verbose_name=_("case"))
    event = models.ForeignKey(
        CaseEvent, models.PROTECT, related_name="attachments", verbose_name=_("timeline entry")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Who should handle a category, optionally only in one area: intake proposes it, staff may override.

    The most specific rule wins: one for a deeper area before one for a higher area or for everywhere,
    and one for a subcategory before one for its parent category.
    """

    category = models.ForeignKey(
        Category, models.PROTECT, related_name="routing_rules", verbose_name=_("category")
    )
    area = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("only in area"),
    )
    handling_level = models.CharField(_("handled by"), max_length=20, choices=HandlingLevel.choices)
    department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("department"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["category__code", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"], condition=Q(is_active=True), name="cases_routing_one_active"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(is_active=True, area__isnull=True),
                name="cases_routing_one_default",
            ),
            models.CheckConstraint(
                condition=~Q(handling_level=HandlingLevel.DEPARTMENT) | Q(department__isnull=False),
                name="cases_routing_department_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.department or self.get_handling_level_display()}"


class ReportPoint(models.Model):
    """A place's 一键达 report point: the QR code printed for a community, grid or building leads residents
    to the public report page with the place filled in. The token is the only key that page accepts, so it
    cannot be guessed from the place; a point is created the first time staff open the place's QR page."""

    area = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="report_points", verbose_name=_("place")
    )
    token = models.CharField(_("token"), max_length=40, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["area_id", "-created_at"]
        verbose_name = _("report point")
        verbose_name_plural = _("report points")
        constraints = [
            models.UniqueConstraint(
                fields=["area"], condition=Q(is_active=True), name="cases_reportpoint_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} · {self.token[:6]}…"
