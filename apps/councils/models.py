"""Councils (议事会): meetings with participants, topics and resolutions; a resolution's follow-up is a
council task or a case, followed to the end."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet, Scope, subtree_filter
from apps.areas.models import PlacedInArea
from apps.cases.choices import OPEN_STATUSES
from apps.core.models import TimelineEntry

from .choices import FollowUp, MeetingKind, Outcome, TaskAction, TaskState


class Meeting(PlacedInArea):
    """One council meeting (党群议事会, 居民议事会, 小区夜话, 联席会议) held for a street, community or grid.

    `participants` is a list of {"name": …, "role": …} (the role or the unit the person came for).
    """

    area = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="council_meetings", verbose_name=_("area")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=150)
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    host = models.CharField(_("host"), max_length=50, blank=True)
    participants = models.JSONField(_("participants"), default=list, blank=True)
    minutes = models.TextField(_("minutes"), max_length=10000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        indexes = [
            models.Index(fields=["community", "-held_at"], name="councils_meeting_community"),
            models.Index(fields=["street", "-held_at"], name="councils_meeting_street"),
        ]

    def __str__(self) -> str:
        return self.title


class Topic(models.Model):
    """A matter put before a meeting."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="topics", verbose_name=_("meeting"))
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    raised_by = models.CharField(_("raised by"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | None:
        """The topics of the meetings the user sees."""
        return subtree_filter(scope.areas(f"cogov.{action}"), prefix="meeting__")


class Resolution(models.Model):
    """What a meeting decided, on one of its topics or on its own. An adopted resolution may get one
    follow-up: a council task, or a case reported through the case lifecycle (channel "council")."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="resolutions", verbose_name=_("meeting")
    )
    topic = models.ForeignKey(
        Topic, models.PROTECT, null=True, blank=True, related_name="resolutions", verbose_name=_("topic")
    )
    text = models.TextField(_("resolution"), max_length=4000)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.ADOPTED)
    follow_up = models.CharField(
        _("follow-up"), max_length=10, choices=FollowUp.choices, default=FollowUp.NONE
    )
    case = models.OneToOneField(
        "cases.Case",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="council_resolution",
        verbose_name=_("case"),
    )
    # The council's own owner and deadline of a case follow-up (a task carries its own).
    case_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case owner"),
    )
    case_deadline = models.DateField(_("expected solved by"), null=True, blank=True)
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up made by"),
    )
    follow_up_at = models.DateTimeField(_("follow-up made at"), null=True, blank=True)
    created_at = models.DateTimeField(_("decided at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up=FollowUp.CASE, case__isnull=False)
                | (~Q(follow_up=FollowUp.CASE) & Q(case__isnull=True)),
                name="councils_resolution_case_follow_up",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | None:
        """The resolutions of the meetings the user sees."""
        return subtree_filter(scope.areas(f"cogov.{action}"), prefix="meeting__")

    @property
    def case_overdue(self) -> bool:
        """The case is still open after the day the council expected it solved."""
        return bool(
            self.case_id
            and self.case_deadline
            and self.case.status in OPEN_STATUSES
            and self.case_deadline < timezone.localdate()
        )


class Task(PlacedInArea):
    """A council task (议事会任务): what an adopted resolution asks of one owner by a deadline."""

    resolution = models.OneToOneField(
        Resolution, models.PROTECT, related_name="task", verbose_name=_("resolution")
    )
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("area"))
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="council_tasks", verbose_name=_("owner")
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=20, choices=TaskState.choices, default=TaskState.OPEN)
    report = models.TextField(_("report"), max_length=4000, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("next reminder at"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("council task")
        verbose_name_plural = _("council tasks")
        indexes = [
            models.Index(fields=["owner", "state", "deadline"], name="councils_task_owner"),
            models.Index(fields=["community", "state", "deadline"], name="councils_task_community"),
            models.Index(fields=["street", "state", "deadline"], name="councils_task_street"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state == TaskState.OPEN and self.deadline < timezone.localdate()


class TaskEvent(TimelineEntry):
    """One entry of a council task's append-only timeline."""

    task = models.ForeignKey(
        Task, models.PROTECT, related_name="events", verbose_name=_("task"), db_index=False
    )
    action = models.CharField(_("action"), max_length=20, choices=TaskAction.choices)
    from_state = models.CharField(_("from state"), max_length=20, choices=TaskState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=TaskState.choices, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("council task event")
        verbose_name_plural = _("council task events")
        indexes = [models.Index(fields=["task", "created_at"], name="councils_taskevent_time")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"
