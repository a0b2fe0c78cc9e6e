"""Whistles (吹哨), dispatch orders, their deadlines and what fired on them, and the SLA policies.

Deadlines are rows (backbone decision 5): the sweep claims due rows with skip_locked and fires each effect
once; `DeadlineEffect` and `Escalation` carry the unique constraints that make a repeat a no-op.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet, Scope, subtree_filter
from apps.areas.choices import AreaLevel
from apps.areas.models import PlacedInArea
from apps.workcalendar.choices import Clock

from .choices import (
    ACTIVE_ORDER_STATUSES,
    DeadlineKind,
    DeadlineState,
    EffectKind,
    ExtensionStatus,
    OrderKind,
    OrderStatus,
    ResponseRating,
    SupervisionLevel,
)

# An open order past one of its limits: not signed for or checked in when the first ran out, or not
# resolved when the second did. The "overdue" inboxes, the case filter and the dashboards' tile all count
# these, through the partial index of the same condition.
LATE_ORDER = Q(status__in=[status.value for status in ACTIVE_ORDER_STATUSES]) & (
    Q(accept_breached_at__isnull=False, accepted_at__isnull=True) | Q(resolve_breached_at__isnull=False)
)

WHISTLE_LEVELS = [
    (AreaLevel.DISTRICT, _("district command")),
    (AreaLevel.STREET, _("street")),
    (AreaLevel.COMMUNITY, _("community")),
]


def default_warn_percents() -> list[int]:
    return [50, 80]


class SlaPolicy(models.Model):
    """One version of the time limits for a kind of order, optionally per category and whistling level.

    Policies are never edited in place: a change writes the next version, and every order keeps the
    version that was in force when it was created.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices)
    category = models.ForeignKey(
        "cases.Category",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_policies",
        verbose_name=_("category (blank: every category)"),
    )
    level = models.PositiveSmallIntegerField(
        _("whistling level (blank: every level)"), choices=WHISTLE_LEVELS, null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"))
    accept_minutes = models.PositiveIntegerField(
        _("limit to sign for or check in (minutes)"), validators=[MinValueValidator(1)]
    )
    accept_clock = models.CharField(_("clock to sign for or check in"), max_length=20, choices=Clock.choices)
    resolve_minutes = models.PositiveIntegerField(
        _("limit to resolve (minutes)"), validators=[MinValueValidator(1)]
    )
    resolve_clock = models.CharField(_("clock to resolve"), max_length=20, choices=Clock.choices)
    warn_percents = models.JSONField(
        _("warn at (percent of the time)"),
        default=default_warn_percents,
        help_text=_("For example [50, 80]."),
    )
    is_active = models.BooleanField(_("in force"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "level", "category_id", "-version"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            # Blank category and level count as values of their own (NULLS NOT DISTINCT, which SQLite lacks).
            models.UniqueConstraint(
                F("kind"),
                Coalesce("category", Value(0)),
                Coalesce("level", Value(0)),
                F("version"),
                name="dispatch_policy_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Whistle(PlacedInArea):
    """A whistle blown on a case by a community, a street or the district command.

    Its area is the whistling area; an escalated whistle points at the one it replaced, one level down.
    """

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="whistles", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices)
    level = models.PositiveSmallIntegerField(_("whistling level"), choices=WHISTLE_LEVELS)
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("whistling area"))
    reason = models.TextField(_("reason"), max_length=2000)
    blown_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("blown by"),
    )
    escalated_from = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name=_("escalated from"),
    )
    created_at = models.DateTimeField(_("blown at"))

    objects = RestrictedQuerySet.as_manager()
    scope_resource = "case"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case_id}"


class DispatchOrder(PlacedInArea):
    """One department called in on a case, by ordinary dispatch or by a whistle, with its facts."""

    case = models.ForeignKey(
        "cases.Case", models.PROTECT, related_name="orders", verbose_name=_("case"), db_index=False
    )
    whistle = models.ForeignKey(
        Whistle, models.PROTECT, null=True, blank=True, related_name="orders", verbose_name=_("whistle")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices)
    department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        related_name="orders",
        verbose_name=_("department"),
        db_index=False,
    )
    is_lead = models.BooleanField(_("lead department"), default=True)
    policy = models.ForeignKey(
        SlaPolicy, models.PROTECT, related_name="orders", verbose_name=_("SLA policy"), db_index=False
    )
    # The level that dispatched: it approves extensions and receives escalations and reminders.
    dispatching_area = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        related_name="+",
        verbose_name=_("dispatched by (area)"),
        db_index=False,
    )
    instructions = models.TextField(_("instructions"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dispatched by"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("dispatched at"), db_index=True)
    accepted_at = models.DateTimeField(_("signed for or checked in at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    accept_breached_at = models.DateTimeField(_("sign-for limit missed at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolve_breached_at = models.DateTimeField(_("resolution limit missed at"), null=True, blank=True)
    minutes_over = models.PositiveIntegerField(_("minutes over the limit"), default=0)
    resolution = models.TextField(_("handler's account"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("grounds for return"), blank=True)
    suggested_department = models.ForeignKey(
        "departments.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested owner"),
        db_index=False,
    )
    suggested_owner = models.CharField(_("suggested owner (other)"), max_length=100, blank=True)
    response_rating = models.PositiveSmallIntegerField(
        _("response rating"), choices=ResponseRating.choices, null=True, blank=True
    )
    response_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = RestrictedQuerySet.as_manager()
    scope_resource = "case"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispatch order")
        verbose_name_plural = _("dispatch orders")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department"],
                condition=Q(status__in=["pending", "accepted"]),
                name="dispatch_order_one_active_per_department",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "-created_at"], name="dispatch_order_department"),
            models.Index(fields=["case", "status"], name="dispatch_order_case"),
            # The open orders: the few rows behind the "overdue" and "waiting" inbox buckets.
            models.Index(
                fields=["case"], condition=Q(status__in=["pending", "accepted"]), name="dispatch_order_open"
            ),
            # The late ones among them (a few thousand at a metro city's scale), by place.
            models.Index(
                fields=["district", "street", "case"], condition=LATE_ORDER, name="dispatch_order_late"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.department}"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | None:
        """Orders on cases in the user's areas, and the orders of the user's own departments."""
        condition = subtree_filter(scope.areas(f"case.{action}"))
        departments = scope.departments("order.handle")
        if departments:
            own = Q(department__in=departments)
            condition = own if condition is None else condition | own
        return condition

    @property
    def is_whistle(self) -> bool:
        return self.kind != OrderKind.DISPATCH


class Deadline(models.Model):
    """A time limit on an order: when it started, when it falls due, what it is waiting for.

    `next_fire_at` is when the sweep must next look at it (the next warning, or the due time); the
    partial index on it is what the sweep reads.
    """

    order = models.ForeignKey(
        DispatchOrder, models.PROTECT, related_name="deadlines", verbose_name=_("order")
    )
    # Foreign keys the composite indexes below already serve, or that nothing looks rows up by, carry no
    # index of their own: the sweep writes these rows by the hundred thousand.
    case = models.ForeignKey(
        "cases.Case", models.PROTECT, related_name="deadlines", verbose_name=_("case"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    policy = models.ForeignKey(
        SlaPolicy, models.PROTECT, related_name="+", verbose_name=_("SLA policy"), db_index=False
    )
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    minutes = models.PositiveIntegerField(_("limit (minutes)"))
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("Computed past the entered work calendar.")
    )
    warn_percents = models.JSONField(_("warn at (percent of the time)"), default=list)
    warnings_fired = models.PositiveSmallIntegerField(_("warnings sent"), default=0)
    next_fire_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=DeadlineState.choices, default=DeadlineState.ACTIVE
    )
    # The clock counts from `counted_from`, with `counted_minutes` already used up before it (a pause ends
    # one stretch; resuming starts the next).
    counted_from = models.DateTimeField(_("counting since"))
    counted_minutes = models.PositiveIntegerField(_("minutes counted before"), default=0)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    extended_minutes = models.PositiveIntegerField(_("minutes added by extensions"), default=0)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("missed at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="dispatch_deadline_one_per_kind"),
        ]
        indexes = [
            models.Index(fields=["next_fire_at"], condition=Q(state="active"), name="dispatch_deadline_due"),
            models.Index(fields=["case", "state"], name="dispatch_deadline_case"),
            models.Index(
                fields=["case"],
                condition=Q(state="active", warnings_fired__gt=0),
                name="dispatch_deadline_warned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"


class DeadlineEffect(models.Model):
    """One thing the sweep did for a deadline; the unique constraint makes each happen once."""

    deadline = models.ForeignKey(
        Deadline, models.PROTECT, related_name="effects", verbose_name=_("deadline"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EffectKind.choices)
    threshold = models.PositiveSmallIntegerField(_("at percent of the time"))
    created_at = models.DateTimeField(_("fired at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("deadline effect")
        verbose_name_plural = _("deadline effects")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind", "threshold"], name="dispatch_effect_once"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.kind} {self.threshold}"


class Escalation(models.Model):
    """A missed whistle limit taken one level up; one per order and level, whatever retries happen."""

    order = models.ForeignKey(
        DispatchOrder, models.PROTECT, related_name="escalations", verbose_name=_("order")
    )
    from_level = models.PositiveSmallIntegerField(_("from level"), choices=WHISTLE_LEVELS)
    to_level = models.PositiveSmallIntegerField(_("to level"), choices=WHISTLE_LEVELS)
    whistle = models.ForeignKey(
        Whistle, models.PROTECT, related_name="+", verbose_name=_("whistle at the next level")
    )
    created_at = models.DateTimeField(_("escalated at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["order", "to_level"], name="dispatch_escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.to_level}"


class ExtensionRequest(models.Model):
    """A department's request for more time, asked before the deadline and decided by the level that
    dispatched."""

    order = models.ForeignKey(
        DispatchOrder, models.PROTECT, related_name="extension_requests", verbose_name=_("order")
    )
    minutes = models.PositiveIntegerField(_("extra time (minutes)"), validators=[MinValueValidator(1)])
    reason = models.TextField(_("reason"), max_length=2000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="pending"), name="dispatch_extension_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} +{self.minutes}"


class Supervision(PlacedInArea):
    """督办: a superior presses a case (and the department handling it) with a normal, yellow or red card."""

    case = models.ForeignKey(
        "cases.Case", models.PROTECT, related_name="supervisions", verbose_name=_("case")
    )
    order = models.ForeignKey(
        DispatchOrder,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisions",
        verbose_name=_("order"),
    )
    level = models.CharField(_("level"), max_length=10, choices=SupervisionLevel.choices)
    note = models.TextField(_("instructions"), max_length=2000)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    issuing_area = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="+", verbose_name=_("issued by (area)")
    )
    created_at = models.DateTimeField(_("issued at"), db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_resource = "case"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.case_id}"
