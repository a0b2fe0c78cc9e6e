"""Reminders of council tasks through the one reminder mechanism (apps.notifications.reminders).

An open task reminds its owner once, at the start of the working day before its deadline ("due soon"),
and its owner and the area's staff once when the deadline has passed ("overdue"). `remind_at` holds the
next of those two moments; it is cleared when the task is done or cancelled.
"""

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.dispatch.recipients import area_staff
from apps.notifications.reminders import Due, Reminder, ReminderSource
from apps.workcalendar.clock import CalendarDays, office_hours

from .choices import TaskState
from .models import Task

# A stretch of holidays longer than this (the Spring Festival is about nine days) is not expected.
_LOOK_BACK_DAYS = 20


def _office_start(day: date) -> datetime:
    minute = office_hours()[0][0]
    return timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))


def soon_moment(deadline: date) -> datetime:
    """The start of the last working day before the deadline (make-up working days count)."""
    days = CalendarDays.load(deadline - timedelta(days=_LOOK_BACK_DAYS), deadline)
    day = deadline - timedelta(days=1)
    while day > deadline - timedelta(days=_LOOK_BACK_DAYS) and not days.lookup(day)[0]:
        day -= timedelta(days=1)
    return _office_start(day)


def overdue_moment(deadline: date) -> datetime:
    """The deadline is the last day allowed: from the next morning on, the task is overdue."""
    return _office_start(deadline + timedelta(days=1))


def _rows():
    return Task.objects.filter(state=TaskState.OPEN).select_related("owner", "resolution__meeting")


def _staff(task: Task) -> list:
    """Those who hold cogov.change for the task's area itself and, when the task lies below it, for the
    area of the meeting that decided it."""
    staff = area_staff(task.area_id, "cogov.change")
    meeting_area_id = task.resolution.meeting.area_id
    if meeting_area_id != task.area_id:
        staff += area_staff(meeting_area_id, "cogov.change")
    return staff


def task_due(task: Task, moment: datetime) -> Due:
    if task.state != TaskState.OPEN:
        return Due(None, None)
    link = reverse("councils:task_detail", args=[task.pk])
    overdue_at = overdue_moment(task.deadline)
    if moment >= overdue_at:
        return Due(
            Reminder(
                recipients=[task.owner, *_staff(task)],
                title=_("Council task overdue: %(title)s") % {"title": task.title},
                body=_("The deadline was %(deadline)s.") % {"deadline": task.deadline.isoformat()},
                link=link,
                key=f"task:{task.pk}:overdue",
            ),
            None,
        )
    return Due(
        Reminder(
            recipients=[task.owner],
            title=_("Council task due soon: %(title)s") % {"title": task.title},
            body=_("The deadline is %(deadline)s.") % {"deadline": task.deadline.isoformat()},
            link=link,
            key=f"task:{task.pk}:soon",
        ),
        overdue_at,
    )


TASK_REMINDERS = ReminderSource(name="council_tasks", rows=_rows, due=task_due, lock_of=("self",))
