"""Notifications: the in-app inbox of each user, and the record of their delivery on outside channels."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import VIEW

from .choices import KIND_COLORS, DeliveryState, NotificationKind


class NotificationQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        """A user's own notifications, whatever their roles: an inbox is personal, so even a system-wide
        administrator reads only their own here (the admin site shows all to those allowed)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person: a reminder (催办), a warning, an escalation, a supervision notice …

    It is the in-app copy, shown in the user's inbox. `key` names the effect that caused it ("reminder:
    deadline 12: 50%"): a recipient holds at most one notification per key, so an effect that runs again
    (a retried task, two sweepers at once) creates nothing new.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(
        _("link"), max_length=300, blank=True, help_text=_("The path of the page to open, e.g. /cases/12/.")
    )
    key = models.CharField(_("key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_unique_key"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def get_kind_color(self) -> str:
        return KIND_COLORS.get(self.kind, "secondary")


class Delivery(models.Model):
    """A notification's delivery on one outside channel, with its state and retries.

    `next_attempt_at` is when the sweeper (`deliver_pending`) tries it next: at creation a short grace
    after which a queued message that the broker lost is made good, after a failure the backoff, and
    nothing once it is sent, skipped or given up.
    """

    notification = models.ForeignKey(
        Notification, models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=30)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_unique_channel"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=[DeliveryState.PENDING, DeliveryState.FAILED]),
                name="delivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification} · {self.channel} · {self.get_state_display()}"
