from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderKind(models.TextChoices):
    """How a department was called in: ordinary dispatch (派单) or one of the three whistles (吹哨)."""

    DISPATCH = "dispatch", _("dispatch")
    EMERGENCY = "emergency", _("emergency whistle")
    JOINT = "joint", _("joint whistle")
    QUICK = "quick", _("quick whistle")


WHISTLE_KINDS = (OrderKind.EMERGENCY, OrderKind.JOINT, OrderKind.QUICK)


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be signed for")
    ACCEPTED = "accepted", _("being handled")
    RESOLVED = "resolved", _("resolved")
    RETURNED = "returned", _("returned")
    ESCALATED = "escalated", _("escalated to the next level")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_ORDER_STATUSES = (OrderStatus.PENDING, OrderStatus.ACCEPTED)


class DeadlineKind(models.TextChoices):
    ACCEPT = "accept", _("sign for / check in")
    RESOLVE = "resolve", _("resolve")


class DeadlineState(models.TextChoices):
    ACTIVE = "active", _("running")
    PAUSED = "paused", _("paused")
    MET = "met", _("met")
    BREACHED = "breached", _("missed")
    CANCELLED = "cancelled", _("cancelled")


class EffectKind(models.TextChoices):
    WARNING = "warning", _("warning")
    BREACH = "breach", _("missed")


class SupervisionLevel(models.TextChoices):
    NORMAL = "normal", _("normal supervision")
    YELLOW = "yellow", _("yellow card")
    RED = "red", _("red card")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ResponseRating(models.IntegerChoices):
    POOR = 1, _("poor")
    FAIR = 2, _("fair")
    GOOD = 3, _("good")
    EXCELLENT = 4, _("excellent")
