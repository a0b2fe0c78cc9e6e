"""Writes about notifications: sending one to people, reading them, delivering them on outside channels.

Every effect happens once (DESIGN.md, decisions 5 and 9). A repeated `notify` with the same key creates
nothing; deliveries are rows, attempted by a task queued on commit and, should the broker lose that
message, by the sweeper; an attempt holds the delivery's row lock, so two workers never send it twice.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from apps.accounts.models import User

from .channels import Channel, DeliveryError, configured_channels
from .choices import DeliveryState
from .models import Delivery, Notification

logger = logging.getLogger(__name__)

# The sweeper takes up a delivery that no worker has attempted this long after it was queued: the broker
# may have lost the message.
QUEUE_GRACE = timedelta(seconds=60)
# Room for the channel's own words in `last_error`; a traceback belongs in the log.
ERROR_LENGTH = 1000


def _check(notification: Notification) -> None:
    notification.full_clean(exclude=["recipient"], validate_unique=False, validate_constraints=False)
    link = notification.link
    # The inbox redirects to the link when a notification is opened: only a path on this site is safe.
    if link and not (
        link.startswith("/")
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None, require_https=False)
    ):
        raise ValidationError({"link": _("The link must be a path on this site, such as /cases/12/.")})


def _insert_once(notification: Notification) -> bool:
    """Insert the row unless the recipient holds its key already. Under concurrency the second insert
    waits for the first transaction and then fails on the unique constraint; the savepoint keeps the
    caller's transaction usable."""
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _queue(delivery_ids: list[int]) -> None:
    from .tasks import deliver  # noqa: PLC0415 - the tasks module imports this one

    for delivery_id in delivery_ids:
        deliver.delay(delivery_id)


def _queue_on_commit(delivery_ids: list[int]) -> None:
    # Robust: the rows are committed whatever the broker does; a message it refuses is made good by the
    # sweeper after QUEUE_GRACE, so the caller's request must not fail for it.
    if delivery_ids:
        transaction.on_commit(partial(_queue, delivery_ids), robust=True)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    key: str = "",
) -> list[Notification]:
    """Send a notification to each distinct active recipient: the in-app copy, and a pending delivery on
    every channel that applies to the person (e-mail when they have an address …), attempted once this
    transaction commits. With a key, recipients who already hold a notification with that key are left
    out, so running the same effect again is a no-op. Returns the notifications created."""
    _check(Notification(kind=kind, title=title, body=body, link=link, key=key))
    people = list({user.pk: user for user in recipients if user.is_active}.values())
    if not people:
        return []
    now = timezone.now()
    rows = [
        Notification(recipient=user, kind=kind, title=title, body=body, link=link, key=key, created_at=now)
        for user in people
    ]
    if key:
        holding = set(
            Notification.objects.filter(recipient__in=people, key=key).values_list("recipient_id", flat=True)
        )
        created = [row for row in rows if row.recipient_id not in holding and _insert_once(row)]
    else:
        created = Notification.objects.bulk_create(rows)
    channels = configured_channels()
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            notification=notification,
            channel=channel.name,
            created_at=now,
            next_attempt_at=now + QUEUE_GRACE,
        )
        for notification in created
        for channel in channels
        if channel.applies_to(notification.recipient)
    )
    _queue_on_commit([delivery.pk for delivery in deliveries])
    return created


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    if notification.recipient_id != user.pk:
        raise ValidationError(_("This notification is not addressed to you."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many there were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def _channel(name: str) -> Channel | None:
    return next((channel for channel in configured_channels() if channel.name == name), None)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1))


def _is_due(delivery: Delivery, now, *, sweeping: bool) -> bool:
    if delivery.state not in (DeliveryState.PENDING, DeliveryState.FAILED):
        return False
    if delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        return False
    # The message queued on commit attempts a pending delivery at once; anything else waits for its time,
    # so that a duplicate message cannot cut a backoff short.
    if delivery.state == DeliveryState.PENDING and not sweeping:
        return True
    return delivery.next_attempt_at is not None and delivery.next_attempt_at <= now


@transaction.atomic
def delivery_attempt(*, delivery_id: int, sweeping: bool = False) -> Delivery | None:
    """Attempt one delivery, if it is due: send it on its channel and record the outcome. A failure is
    retried with exponential backoff (NOTIFICATION_RETRY_SECONDS, doubling) until
    NOTIFICATION_MAX_ATTEMPTS, then the delivery stays failed. A delivery whose channel is gone or no
    longer applies to the recipient is skipped. The sweeper passes over rows another worker holds (on
    PostgreSQL); everyone else waits for the lock and then finds the delivery done. Returns the delivery
    attempted (or skipped), or None when there was nothing to do: it does not exist, is not due, or
    another sweeper holds it."""
    delivery = (
        Delivery.objects.select_for_update(skip_locked=sweeping, of=("self",))
        .select_related("notification__recipient")
        .filter(pk=delivery_id)
        .first()
    )
    now = timezone.now()
    if delivery is None or not _is_due(delivery, now, sweeping=sweeping):
        return None
    notification = delivery.notification
    recipient = notification.recipient
    channel = _channel(delivery.channel)
    fields = ["state", "attempts", "last_error", "sent_at", "next_attempt_at"]
    if channel is None or not recipient.is_active or not channel.applies_to(recipient):
        delivery.state = DeliveryState.SKIPPED
        delivery.next_attempt_at = None
        delivery.save(update_fields=fields)
        return delivery
    delivery.attempts += 1
    try:
        channel.send(notification)
    # Any failure is a failed attempt, so that a broken channel is retried a bounded number of times.
    except Exception as error:
        if not isinstance(error, DeliveryError):
            logger.exception("Channel %s failed on delivery %s", delivery.channel, delivery.pk)
        delivery.state = DeliveryState.FAILED
        delivery.last_error = str(error)[:ERROR_LENGTH] or error.__class__.__name__
        gives_up = delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        delivery.next_attempt_at = None if gives_up else now + _backoff(delivery.attempts)
    else:
        delivery.state = DeliveryState.SENT
        delivery.sent_at = timezone.now()
        delivery.next_attempt_at = None
    delivery.save(update_fields=fields)
    return delivery


@transaction.atomic
def delivery_retry(*, delivery: Delivery, actor: User | None) -> Delivery:
    """Deliver again a delivery that failed or was skipped, with a fresh count of attempts (an
    administrator's action, after fixing an address or a gateway). No actor means the system itself."""
    if actor is not None and not (actor.is_active and actor.is_staff):
        raise ValidationError(_("Only administrators may deliver a notification again."))
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state == DeliveryState.SENT:
        raise ValidationError(_("This notification has been delivered already."))
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now() + QUEUE_GRACE
    delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
    _queue_on_commit([delivery.pk])
    return delivery


@dataclass(frozen=True)
class Message:
    """One notification to several people, for `notify_many`."""

    recipients: list
    kind: str
    title: str
    body: str = ""
    link: str = ""
    key: str = ""


@transaction.atomic
def notify_many(messages: Iterable[Message]) -> int:
    """`notify` for many messages at once, with a fixed number of statements: what the deadline sweep
    sends for a batch of deadlines. Keys already held by a recipient are left out, as with `notify`;
    the caller holds the locks that keep two callers from sending the same keys at once (the sweep's
    claimed rows), and the unique constraint is the backstop. Returns the notifications created."""
    messages = [message for message in messages if message.recipients]
    if not messages:
        return 0
    now = timezone.now()
    keys = {message.key for message in messages if message.key}
    people = {user.pk for message in messages for user in message.recipients}
    held = (
        set(
            Notification.objects.filter(key__in=keys, recipient_id__in=people).values_list(
                "recipient_id", "key"
            )
        )
        if keys
        else set()
    )
    rows, seen = [], set()
    for message in messages:
        for user in message.recipients:
            mark = (user.pk, message.key)
            if not user.is_active or (message.key and (mark in held or mark in seen)):
                continue
            seen.add(mark)
            rows.append(
                Notification(
                    recipient=user,
                    kind=message.kind,
                    title=message.title[:200],
                    body=message.body,
                    link=message.link,
                    key=message.key,
                    created_at=now,
                )
            )
    created = Notification.objects.bulk_create(rows)
    channels = configured_channels()
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            notification=notification, channel=channel.name, created_at=now, next_attempt_at=now + QUEUE_GRACE
        )
        for notification in created
        for channel in channels
        if channel.applies_to(notification.recipient)
    )
    _queue_on_commit([delivery.pk for delivery in deliveries])
    return len(created)
