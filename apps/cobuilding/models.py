"""Co-building with partner units (共建): agreements with their three lists, and the two-way evaluation.

An agreement binds a street or community to a partner unit of its district. Its resources (资源清单),
needs (需求清单) and joint projects (项目清单) are placed where the agreement is, so that one scope
filter serves them all. Each year a street or district opens an evaluation round (双向评议) in which the
communities rate their units and the units rate their communities.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet, Scope, subtree_filter
from apps.areas.models import PlacedInArea
from apps.core.models import TimelineEntry

from .choices import (
    EXPIRED,
    AgreementAction,
    AgreementState,
    Direction,
    Grade,
    NeedState,
    ProjectStatus,
    ResourceKind,
    grade_of,
)

SCORE_MAX = 100
# The states a timeline entry can name: of the agreement, a need or a project (their values differ).
STATE_LABELS = {**dict(AgreementState.choices), **dict(NeedState.choices), **dict(ProjectStatus.choices)}


def today() -> datetime.date:
    """Today in the installation's time zone (Asia/Shanghai), whatever zone a request activated."""
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


class Agreement(PlacedInArea):
    """A co-building agreement (共建协议) between a street or community and a partner unit."""

    area = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="cobuilding_agreements", verbose_name=_("area")
    )
    partner_unit = models.ForeignKey(
        "party.PartnerUnit", models.PROTECT, related_name="agreements", verbose_name=_("partner unit")
    )
    title = models.CharField(_("title"), max_length=150)
    content = models.TextField(_("content"), blank=True)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(
        _("state"), max_length=20, choices=AgreementState.choices, default=AgreementState.ACTIVE
    )
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("co-building agreement")
        verbose_name_plural = _("co-building agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "partner_unit"],
                condition=Q(state=AgreementState.ACTIVE),
                name="cobuilding_one_active_agreement",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="cobuilding_agreement_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_expired(self) -> bool:
        return self.state == AgreementState.ACTIVE and self.valid_until < today()

    @property
    def in_force(self) -> bool:
        """Active and not past its end: items can be added and needs taken."""
        return self.state == AgreementState.ACTIVE and not self.is_expired

    @property
    def shown_state(self) -> str:
        """The state as people read it: "expired" is an active agreement past its end."""
        return EXPIRED if self.is_expired else self.state

    def get_shown_state_display(self) -> str:
        return _("expired") if self.is_expired else self.get_state_display()


class AgreementItem(PlacedInArea):
    """What the three lists share: each row belongs to an agreement and is placed where it is."""

    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("area"))
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class Resource(AgreementItem):
    """A resource the unit offers (资源清单)."""

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="resources", verbose_name=_("agreement")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    quantity = models.CharField(_("quantity"), max_length=100, blank=True)

    class Meta:
        ordering = ["agreement_id", "id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")


class Need(AgreementItem):
    """A need of the community or street (需求清单), taken (接单) and fulfilled by a partner unit."""

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="needs", verbose_name=_("agreement")
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=NeedState.choices, default=NeedState.OPEN)
    taken_by = models.ForeignKey(
        "party.PartnerUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="taken_needs",
        verbose_name=_("taken by"),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    taken_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken recorded by"),
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_note = models.TextField(_("fulfilment"), blank=True)
    # When the reminder sweep looks at the need next (an open need shortly before it is needed).
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["agreement_id", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class JointProject(AgreementItem):
    """A project the two sides agree on (项目清单)."""

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="projects", verbose_name=_("agreement")
    )
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)

    class Meta:
        ordering = ["agreement_id", "id"]
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")


class AgreementEvent(TimelineEntry):
    """One entry of an agreement's append-only timeline."""

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="events", verbose_name=_("agreement"), db_index=False
    )
    action = models.CharField(_("action"), max_length=30, choices=AgreementAction.choices)
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        indexes = [models.Index(fields=["agreement", "created_at"], name="cobuilding_event_time")]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.action}"

    def get_from_state_display(self) -> str:
        return STATE_LABELS.get(self.from_state, self.from_state)

    def get_to_state_display(self) -> str:
        return STATE_LABELS.get(self.to_state, self.to_state)


class EvaluationRound(PlacedInArea):
    """The two-way evaluation (双向评议) of one year in a street or district, open in a window of dates."""

    area = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="evaluation_rounds", verbose_name=_("area")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["-year", "area__code"]
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="cobuilding_one_round_per_year"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="cobuilding_round_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.area}"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | None:
        """Rounds in the user's subtrees, and the rounds of the street or district above a community, whose
        workers record their community's evaluations in them."""
        permission = f"{cls.scope_resource}.{action}"
        condition = subtree_filter(scope.areas(permission))
        above = scope.ancestors(permission)
        if above:
            condition = (
                Q(area_id__in=sorted(above)) if condition is None else condition | Q(area_id__in=above)
            )
        return condition

    @property
    def is_open(self) -> bool:
        return self.opens_on <= today() <= self.closes_on


class Evaluation(PlacedInArea):
    """One score of the two-way evaluation: a community rating its unit, or the unit rating it. Placed
    where the agreement is."""

    round = models.ForeignKey(
        EvaluationRound, models.PROTECT, related_name="evaluations", verbose_name=_("round")
    )
    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="evaluations", verbose_name=_("agreement")
    )
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("area"))
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["round_id", "agreement_id", "direction"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agreement", "direction"], name="cobuilding_one_evaluation_per_direction"
            ),
            models.CheckConstraint(condition=Q(score__lte=SCORE_MAX), name="cobuilding_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.get_direction_display()} · {self.score}"

    @property
    def grade(self) -> str | None:
        return grade_of(self.score)

    def get_grade_display(self) -> str:
        return Grade(self.grade).label
