"""Projects under 四定两评: fixed content, owner, deadline and measures; milestones; two evaluations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet
from apps.areas.models import PlacedInArea
from apps.core.models import TimelineEntry

from .choices import EvaluationBy, Grade, ProjectAction, ProjectKind, ProjectState, grade_of


class Project(PlacedInArea):
    """A red sail project (红帆项目) or practical project (实事项目) of a street, community or grid.

    The four fixes (四定) are the content, the owner, the deadline and the measures; the two evaluations
    (两评) come at the end, by the residents and by the party organisation.
    """

    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="projects", verbose_name=_("area"))
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices)
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("content (定内容)"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="owned_projects",
        verbose_name=_("owner (定责任人)"),
    )
    organisation = models.ForeignKey(
        "party.PartyOrganisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("responsible organisation"),
    )
    deadline = models.DateField(_("deadline (定时限)"))
    measures = models.TextField(_("measures (定措施)"))
    budget = models.DecimalField(
        _("budget (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ProjectState.choices, default=ProjectState.UNDERWAY
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    completion_summary = models.TextField(_("completion summary"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    # The start of the day after the deadline while underway: the sweep reminds once if still not done.
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["state", "deadline"], name="project_state_deadline_idx"),
            models.Index(fields=["owner", "state"], name="project_owner_state_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(PlacedInArea):
    """One step of a project, due on a date no later than the project's deadline; placed like its project."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="milestones", verbose_name=_("project"))
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("area"))
    title = models.CharField(_("title"), max_length=100)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.TextField(_("note"), blank=True)
    # The start of the day after the due date while open: the sweep reminds once if still not done.
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["project_id", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ProjectEvaluation(models.Model):
    """One of the two evaluations (两评) of a completed project: by the residents or by the organisation.
    Read through its project, which carries the scope."""

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="evaluations", verbose_name=_("project")
    )
    by = models.CharField(_("evaluated by"), max_length=20, choices=EvaluationBy.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    participants = models.PositiveIntegerField(_("residents taking part"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["project_id", "by"]
        verbose_name = _("project evaluation")
        verbose_name_plural = _("project evaluations")
        constraints = [
            models.UniqueConstraint(fields=["project", "by"], name="project_evaluation_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.by} {self.score}"

    @property
    def grade(self) -> str:
        return grade_of(self.score)

    def get_grade_display(self) -> str:
        return Grade(self.grade).label


class ProjectEvent(TimelineEntry):
    """One entry of a project's append-only timeline, written by the services."""

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="events", verbose_name=_("project"), db_index=False
    )
    action = models.CharField(_("action"), max_length=30, choices=ProjectAction.choices)
    from_state = models.CharField(_("from state"), max_length=20, choices=ProjectState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=ProjectState.choices, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        indexes = [models.Index(fields=["project", "created_at"], name="project_event_time_idx")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.action}"
