from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    """What a subscriber can hear about a case. How the case timeline maps onto these is in `events.py`."""

    CASE_CREATED = "case.created", _("case created")
    CASE_STATUS_CHANGED = "case.status_changed", _("case status changed")
    CASE_WHISTLED = "case.whistled", _("whistle blown")
    CASE_ESCALATED = "case.escalated", _("escalation")
    CASE_CLOSED = "case.closed", _("case closed")
    CASE_RATED = "case.rated", _("case rated")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed (gave up)")
