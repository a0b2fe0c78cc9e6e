"""The wishes' reminder source (apps.notifications.reminders): a posted wish still unclaimed after its
claim_by, and a claimed wish not fulfilled after its fulfil_by, each remind the community's staff once."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.dispatch.recipients import area_staff
from apps.notifications.reminders import Due, Reminder, ReminderSource

from .choices import WishState
from .models import MicroWish
from .services import remind_time


def _rows():
    return MicroWish.objects.filter(state__in=[WishState.POSTED, WishState.CLAIMED])


def _due(wish: MicroWish, moment: datetime.datetime) -> Due:
    today = timezone.localdate(moment)
    if wish.state == WishState.POSTED:
        deadline, key, title = (
            wish.claim_by,
            f"wish:{wish.pk}:unclaimed",
            _("Micro wish not claimed in time: %(title)s"),
        )
    elif wish.state == WishState.CLAIMED and wish.fulfil_by is not None:
        deadline, key, title = (
            wish.fulfil_by,
            f"wish:{wish.pk}:unfulfilled",
            _("Micro wish not fulfilled in time: %(title)s"),
        )
    else:
        return Due(None, None)
    if deadline >= today:
        # The deadline moved since the reminder was set: look again when it has passed.
        return Due(None, remind_time(deadline))
    reminder = Reminder(
        recipients=area_staff(wish.community_id, "cogov.change"),
        title=title % {"title": wish.title},
        key=key,
        link=reverse("wishes:detail", args=[wish.pk]),
    )
    return Due(reminder, None)


SOURCE = ReminderSource(name="wishes", rows=_rows, due=_due)
