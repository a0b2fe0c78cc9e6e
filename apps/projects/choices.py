from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    RED_SAIL = "red_sail", _("red sail project (红帆项目)")
    PRACTICAL = "practical", _("practical project (实事项目)")


class ProjectState(models.TextChoices):
    UNDERWAY = "underway", _("underway")
    COMPLETED = "completed", _("completed, awaiting evaluation")
    EVALUATED = "evaluated", _("evaluated")
    CANCELLED = "cancelled", _("cancelled")


class EvaluationBy(models.TextChoices):
    RESIDENTS = "residents", _("residents (群众评议)")
    ORGANISATION = "organisation", _("party organisation (组织评议)")


class Grade(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied (满意)")
    FAIRLY_SATISFIED = "fairly_satisfied", _("fairly satisfied (基本满意)")
    DISSATISFIED = "dissatisfied", _("dissatisfied (不满意)")


class ProjectAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    MILESTONE_ADD = "milestone_add", _("milestone added")
    MILESTONE_COMPLETE = "milestone_complete", _("milestone done")
    COMPLETE = "complete", _("completed")
    CANCEL = "cancel", _("cancelled")
    EVALUATE = "evaluate", _("evaluated")


def grade_of(score: int) -> str:
    """满意 from 90, 基本满意 from 60, 不满意 below."""
    if score >= 90:
        return Grade.SATISFIED
    if score >= 60:
        return Grade.FAIRLY_SATISFIED
    return Grade.DISSATISFIED
