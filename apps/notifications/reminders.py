"""Reminders on rows with a due time: one mechanism for every app whose objects remind someone
(an unclaimed micro wish, an overdue project milestone, a council task past its deadline …).

A remindable model carries an indexed, nullable `remind_at`: when the sweep must next look at the row,
or null when nothing is pending. An app registers, in its AppConfig.ready(), a `ReminderSource` naming the
rows that may fall due and a function that, for one claimed row, answers the reminder to send (or None)
and when to look again. The beat task `apps.notifications.tasks.sweep_reminders` claims due rows with
`select_for_update(skip_locked=True)` on PostgreSQL, so two sweepers never take the same row, and sends
each reminder through `notify` with a key, so a reminder that runs again (a retried task, a crash between
the send and the commit) creates nothing new (DESIGN.md, backbone decisions 5 and 9).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .choices import NotificationKind
from .services import notify


@dataclass(frozen=True)
class Reminder:
    """What one due row sends: `key` names the effect ("wish 12: unclaimed 3"), unique per recipient."""

    recipients: Iterable
    title: str
    key: str
    body: str = ""
    link: str = ""
    kind: str = NotificationKind.REMINDER


@dataclass(frozen=True)
class Due:
    """A due row's answer: the reminder to send (none when the row no longer needs one) and when to look
    at the row again (none when nothing more is pending)."""

    reminder: Reminder | None
    next_at: datetime | None


@dataclass(frozen=True)
class ReminderSource:
    name: str
    rows: Callable[[], QuerySet]  # the rows that may fall due, with what `due` reads selected
    due: Callable[[object, datetime], Due]
    field: str = "remind_at"
    batch: int = 200
    lock_of: tuple[str, ...] = ("self",)


SOURCES: dict[str, ReminderSource] = {}


def register(source: ReminderSource) -> None:
    SOURCES[source.name] = source


def _claim(source: ReminderSource, moment: datetime) -> list:
    rows = source.rows().filter(**{f"{source.field}__lte": moment}).order_by(source.field, "pk")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=source.lock_of)
    return list(rows[: source.batch])


def sweep_source(source: ReminderSource, *, now: datetime | None = None) -> int:
    """Send every reminder of one source that is due by `now`; returns the rows handled."""
    handled = 0
    while True:
        moment = now or timezone.now()
        with transaction.atomic():
            claimed = _claim(source, moment)
            for row in claimed:
                answer = source.due(row, moment)
                if answer.reminder is not None:
                    reminder = answer.reminder
                    notify(
                        recipients=reminder.recipients,
                        kind=reminder.kind,
                        title=reminder.title,
                        body=reminder.body,
                        link=reminder.link,
                        key=reminder.key,
                    )
                # Always moved on (or cleared), so a row never comes back in the same sweep.
                next_at = answer.next_at if answer.next_at is None or answer.next_at > moment else None
                type(row).objects.filter(pk=row.pk).update(**{source.field: next_at})
        handled += len(claimed)
        if len(claimed) < source.batch:
            return handled


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Every registered source in turn; the rows handled per source."""
    return {name: sweep_source(source, now=now) for name, source in SOURCES.items()}
