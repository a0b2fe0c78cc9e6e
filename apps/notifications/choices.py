from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about; the inbox filters and colours by it."""

    DISPATCH = "dispatch", _("dispatch")
    REMINDER = "reminder", _("reminder")
    WARNING = "warning", _("warning")
    OVERDUE = "overdue", _("overdue")
    ESCALATION = "escalation", _("escalation")
    SUPERVISION = "supervision", _("supervision")
    CASE_UPDATE = "case_update", _("case update")
    SYSTEM = "system", _("system")


class DeliveryState(models.TextChoices):
    """Where one notification stands on one outside channel (e-mail, SMS …)."""

    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped")


class ShowFilter(models.TextChoices):
    """The inbox's choice between unread notifications and all of them."""

    ALL = "all", _("all")
    UNREAD = "unread", _("unread")


# The Bootstrap colour of each kind's badge in the inbox: the more urgent, the hotter.
KIND_COLORS = {
    NotificationKind.DISPATCH: "primary",
    NotificationKind.REMINDER: "info",
    NotificationKind.WARNING: "warning",
    NotificationKind.OVERDUE: "danger",
    NotificationKind.ESCALATION: "danger",
    NotificationKind.SUPERVISION: "dark",
    NotificationKind.CASE_UPDATE: "secondary",
    NotificationKind.SYSTEM: "light",
}
