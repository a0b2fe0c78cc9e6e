"""The co-building reminder source (apps.notifications.reminders): an open need reminds the staff of its
street or community some days before it is needed and again on the day, until a unit takes it."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.dispatch.recipients import area_staff
from apps.notifications.reminders import Due, Reminder, ReminderSource

from .choices import NeedState
from .models import Need
from .services import next_reminder


def _rows():
    return Need.objects.filter(state=NeedState.OPEN)


def need_due(need: Need, moment: datetime.datetime) -> Due:
    if need.state != NeedState.OPEN or need.needed_by is None:
        return Due(None, None)
    stage = "due" if next_reminder(need.needed_by, moment) is None else "soon"
    reminder = Reminder(
        recipients=area_staff(need.area_id, "cogov.change"),
        title=_("Need not yet taken by a partner unit: %(title)s") % {"title": need.title},
        body=_("Needed by %(date)s.") % {"date": need.needed_by.isoformat()},
        # One reminder per need, date needed and threshold (days before, or the day itself).
        key=f"cobuilding-need:{need.pk}:{need.needed_by.isoformat()}:{stage}",
        link=reverse("cobuilding:agreement_detail", args=[need.agreement_id]),
    )
    return Due(reminder, next_reminder(need.needed_by, moment))


SOURCE = ReminderSource(name="cobuilding.open_needs", rows=_rows, due=need_due)
