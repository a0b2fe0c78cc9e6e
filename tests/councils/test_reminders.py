"""Council task reminders through the shared sweep: "due soon" to the owner the working day before the
deadline, "overdue" to the owner and the area's staff after it; each once, none for a closed task."""

import datetime

import pytest
from django.utils import timezone

from apps.councils.reminders import TASK_REMINDERS, overdue_moment, soon_moment
from apps.councils.services import task_cancel, task_complete
from apps.notifications.models import Notification
from apps.notifications.reminders import SOURCES, sweep_source
from apps.workcalendar.models import WorkDay

from .support import a_task, in_days

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def _keys(task) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(key__startswith=f"task:{task.pk}:").values_list(
            "recipient__username", "key"
        )
    )


def test_the_source_is_registered():
    assert SOURCES["council_tasks"] is TASK_REMINDERS


def test_due_soon_then_overdue_each_once(city):
    task = a_task(city, owner=city.users["gridworker"], area=city.grids[0], deadline=in_days(10))
    soon, overdue = soon_moment(task.deadline), overdue_moment(task.deadline)
    assert task.remind_at == soon

    sweep_source(TASK_REMINDERS, now=soon - MINUTE)
    assert _keys(task) == []

    sweep_source(TASK_REMINDERS, now=soon)
    assert _keys(task) == [("gridworker", f"task:{task.pk}:soon")]
    task.refresh_from_db()
    assert task.remind_at == overdue
    sweep_source(TASK_REMINDERS, now=soon + MINUTE)
    assert len(_keys(task)) == 1

    sweep_source(TASK_REMINDERS, now=overdue)
    # The owner, and the staff holding cogov.change for the grid (none) and the meeting's community.
    assert _keys(task) == [
        ("community", f"task:{task.pk}:overdue"),
        ("gridworker", f"task:{task.pk}:overdue"),
        ("gridworker", f"task:{task.pk}:soon"),
        ("party", f"task:{task.pk}:overdue"),
    ]
    task.refresh_from_db()
    assert task.remind_at is None
    sweep_source(TASK_REMINDERS, now=overdue + datetime.timedelta(days=3))
    assert len(_keys(task)) == 4


def test_a_sweep_that_runs_late_sends_only_overdue(city):
    task = a_task(city, deadline=in_days(3))
    sweep_source(TASK_REMINDERS, now=overdue_moment(task.deadline) + datetime.timedelta(hours=5))
    assert {key for _user, key in _keys(task)} == {f"task:{task.pk}:overdue"}


@pytest.mark.parametrize("close", ["complete", "cancel"])
def test_a_closed_task_reminds_no_one(city, close):
    task = a_task(city, deadline=in_days(5))
    if close == "complete":
        task_complete(actor=city.users["community"], task=task, report="完成")
    else:
        task_cancel(actor=city.users["community"], task=task, reason="取消")
    sweep_source(TASK_REMINDERS, now=overdue_moment(task.deadline) + datetime.timedelta(days=1))
    assert _keys(task) == []


def test_due_soon_is_the_working_day_before_the_deadline(city):
    # A Monday's deadline is reminded on the Friday before (weekends are not working days) …
    monday = datetime.date(2026, 6, 15)
    assert not WorkDay.objects.filter(
        day__range=(datetime.date(2026, 6, 12), monday), holiday__gt=""
    ).exists()
    soon = timezone.localtime(soon_moment(monday))
    assert (soon.date(), soon.hour, soon.minute) == (datetime.date(2026, 6, 12), 8, 30)
    # … and a make-up working day (调休) counts as the working day before.
    makeup = WorkDay.objects.filter(is_workday=True, day__week_day__in=(1, 7)).order_by("day").first()
    assert makeup is not None
    assert timezone.localtime(soon_moment(makeup.day + datetime.timedelta(days=1))).date() == makeup.day
