from django.db import models
from django.utils.translation import gettext_lazy as _


class WishCategory(models.TextChoices):
    DAILY_NECESSITIES = "daily_necessities", _("daily necessities (生活用品)")
    STUDY = "study", _("study (学习)")
    HEALTH_AND_CARE = "health_and_care", _("health and care (健康照护)")
    COMPANIONSHIP = "companionship", _("companionship (陪伴)")
    REPAIRS = "repairs", _("repairs (维修)")
    OTHER = "other", _("other")


class WishState(models.TextChoices):
    """发布 — 认领 — 实现 — 确认; a posted or claimed wish may be withdrawn by the community."""

    POSTED = "posted", _("posted (已发布)")
    CLAIMED = "claimed", _("claimed (已认领)")
    FULFILLED = "fulfilled", _("fulfilled (已实现)")
    CONFIRMED = "confirmed", _("confirmed (已确认)")
    WITHDRAWN = "withdrawn", _("withdrawn (已撤回)")


class WishAction(models.TextChoices):
    """Every entry of a wish's timeline names one of these."""

    POST = "post", _("posted")
    CLAIM = "claim", _("claimed")
    FULFIL = "fulfil", _("fulfilled")
    CONFIRM = "confirm", _("confirmed")
    RATE = "rate", _("thanked or rated")
    WITHDRAW = "withdraw", _("withdrawn")


class ClaimantKind(models.TextChoices):
    MEMBER = "member", _("party member")
    ORGANISATION = "organisation", _("party organisation")
    PARTNER_UNIT = "partner_unit", _("partner unit")


# The states in which a claimant is recorded; a withdrawn wish keeps the one it had, if any.
CLAIMED_STATES = (WishState.CLAIMED, WishState.FULFILLED, WishState.CONFIRMED)
