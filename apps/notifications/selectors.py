"""Reads of notifications: a user's inbox and unread count, and the deliveries due for an attempt."""

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from apps.accounts.scope import VIEW

from .choices import DeliveryState
from .models import Delivery, Notification


def inbox(user, *, unread_only: bool = False, kind: str = "") -> QuerySet[Notification]:
    """The user's own notifications, unread first, then the newest."""
    notifications = Notification.objects.restrict(user, VIEW)
    if unread_only:
        notifications = notifications.unread()
    if kind:
        notifications = notifications.filter(kind=kind)
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return notifications.order_by(unread.desc(), "-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.restrict(user, VIEW).unread().count()


def deliveries_due(*, now, limit: int) -> list[int]:
    """Ids of the deliveries to attempt now, the longest waiting first."""
    return list(
        Delivery.objects.filter(
            state__in=[DeliveryState.PENDING, DeliveryState.FAILED],
            next_attempt_at__lte=now,
            attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
