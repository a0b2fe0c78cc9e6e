"""Overdue projects and milestones remind their owner and the area's staff, once each, through the one
reminder mechanism (apps/notifications/reminders.py)."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.dispatch.recipients import area_staff
from apps.notifications.reminders import Due, Reminder, ReminderSource

from .choices import ProjectState
from .models import Milestone, Project


def _people(project: Project) -> list:
    return [project.owner, *area_staff(project.area_id, "cogov.change")]


def _milestone_rows():
    return Milestone.objects.select_related("project__owner")


def milestone_due(milestone: Milestone, moment: datetime) -> Due:
    project = milestone.project
    if milestone.done_at is not None or project.state != ProjectState.UNDERWAY:
        return Due(reminder=None, next_at=None)
    reminder = Reminder(
        recipients=_people(project),
        title=_("Milestone overdue: %(milestone)s (%(project)s)")
        % {"milestone": milestone.title, "project": project.title},
        body=_("It was due on %(date)s and is not done.") % {"date": milestone.due_on.isoformat()},
        link=reverse("projects:detail", args=[project.pk]),
        key=f"milestone:{milestone.pk}:overdue:{milestone.due_on.isoformat()}",
    )
    return Due(reminder=reminder, next_at=None)


def _project_rows():
    return Project.objects.select_related("owner")


def project_due(project: Project, moment: datetime) -> Due:
    if project.state != ProjectState.UNDERWAY:
        return Due(reminder=None, next_at=None)
    reminder = Reminder(
        recipients=_people(project),
        title=_("Project past its deadline: %(project)s") % {"project": project.title},
        body=_("The deadline was %(date)s and the project is not completed.")
        % {"date": project.deadline.isoformat()},
        link=reverse("projects:detail", args=[project.pk]),
        # With the deadline: a deadline moved later by project_update reminds again when it passes.
        key=f"project:{project.pk}:overdue:{project.deadline.isoformat()}",
    )
    return Due(reminder=reminder, next_at=None)


MILESTONES = ReminderSource(
    name="projects.milestone_overdue", rows=_milestone_rows, due=milestone_due, lock_of=("self",)
)
PROJECTS = ReminderSource(name="projects.project_overdue", rows=_project_rows, due=project_due)
