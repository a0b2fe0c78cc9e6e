"""Webhooks: other systems (the 12345 hotline first) subscribe to events of the cases in their area and
receive each one as a signed POST.

A delivery is a row, one per subscription and timeline entry, made by the collector from the case timeline
(`collect.py`) and attempted by a task (`delivery.py`) until the receiver answers 2xx or 72 hours have
passed. The row is the truth; a queued Celery message only makes the attempt come sooner.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DeliveryState, WebhookEvent


class WebhookSubscription(models.Model):
    """Where an integration client wants to hear about which events. The signing secret is stored
    encrypted (it must be read to sign) and shown once, when the subscription is made."""

    client = models.ForeignKey(
        "integrations.IntegrationClient",
        models.PROTECT,
        related_name="webhook_subscriptions",
        verbose_name=_("client"),
    )
    target_url = models.URLField(_("target URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret_encrypted = models.TextField(_("signing secret (encrypted)"), editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # While a worker sends this subscription's deliveries, in order: no second worker starts meanwhile.
    # A lease rather than a lock held across HTTP calls, so that a killed worker blocks nothing for long.
    leased_until = models.DateTimeField(_("being delivered until"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["client__name", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.client} → {self.target_url}"

    def event_labels(self) -> list[str]:
        return [str(WebhookEvent(event).label) for event in self.events if event in WebhookEvent.values]


class WebhookDelivery(models.Model):
    """One event for one subscription: the payload as it is sent, every time, and how sending it went."""

    subscription = models.ForeignKey(
        WebhookSubscription, models.PROTECT, related_name="deliveries", verbose_name=_("subscription")
    )
    # The timeline entry this delivery tells of: with the subscription, unique, so that a re-scan of the
    # timeline never queues an event twice.
    case_event = models.ForeignKey(
        "cases.CaseEvent", models.PROTECT, related_name="+", verbose_name=_("timeline entry"), db_index=False
    )
    event = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # Retries give up 72 hours after this: when the delivery was made, or last redelivered by hand.
    retrying_since = models.DateTimeField(_("retrying since"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_response = models.CharField(_("last response (excerpt)"), max_length=1000, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "case_event"], name="webhooks_delivery_once"),
        ]
        indexes = [
            # A subscription's delivery log, newest first.
            models.Index(fields=["subscription", "-occurred_at", "-id"], name="webhooks_delivery_log"),
            # What a worker sends next for a subscription: its pending deliveries in the order of events.
            models.Index(
                fields=["subscription", "occurred_at", "case_event"],
                condition=Q(state=DeliveryState.PENDING),
                name="webhooks_delivery_pending",
            ),
            # The subscriptions with deliveries due, for the beat task.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state=DeliveryState.PENDING),
                name="webhooks_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


class WebhookCursor(models.Model):
    """How far the collector has read the case timeline. The next run reads again from a little before
    it (WEBHOOKS_RESCAN_SECONDS), for entries that a slower transaction committed late."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    scanned_until = models.DateTimeField(_("scanned until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook cursor")
        verbose_name_plural = _("webhook cursors")

    def __str__(self) -> str:
        return f"{self.name}: {self.scanned_until}"
