"""Micro wishes (微心愿): a community posts a resident's small wish, a party member, organisation or
partner unit claims and fulfils it, the community confirms, and the resident may thank or rate."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet
from apps.areas.models import PlacedInArea
from apps.core.models import TimelineEntry

from .choices import CLAIMED_STATES, ClaimantKind, WishAction, WishCategory, WishState

RATING_MIN, RATING_MAX = 1, 5

_NO_CLAIMANT = Q(member__isnull=True, organisation__isnull=True, partner_unit__isnull=True)


def mask_name(name: str) -> str:
    """A resident's name as the public and claimants see it: the surname and two stars ("张**"), whatever
    the length, so that the length gives nothing away either."""
    name = name.strip()
    return f"{name[0]}**" if name else ""


class MicroWish(PlacedInArea):
    """One resident's wish, posted by the community with the resident's consent.

    The resident's name is stored as given and shown in full only to who holds "cogov.change" where the
    wish lies; everyone else (the public wall, claimants, viewers) sees it masked. No phone number is kept
    here: the optional link to the resident's record leads to it for those allowed to see it.
    """

    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("area"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=30, choices=WishCategory.choices)
    resident_name = models.CharField(_("resident's name"), max_length=50)
    consent = models.BooleanField(_("the resident agreed to publication"), default=False)
    resident = models.ForeignKey(
        "residents.Resident",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident record"),
    )
    state = models.CharField(_("state"), max_length=20, choices=WishState.choices, default=WishState.POSTED)
    claim_by = models.DateField(_("to be claimed by"))
    fulfil_by = models.DateField(_("to be fulfilled by"), null=True, blank=True)
    member = models.ForeignKey(
        "party.PartyMember",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("claimed by party member"),
    )
    organisation = models.ForeignKey(
        "party.PartyOrganisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("claimed by party organisation"),
    )
    partner_unit = models.ForeignKey(
        "party.PartnerUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("claimed by partner unit"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_note = models.TextField(_("what was done"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    thanks = models.TextField(_("thanks"), blank=True)
    rated_at = models.DateTimeField(_("thanked or rated at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    # When the reminder sweep must next look at the wish (apps.notifications.reminders); null: nothing due.
    remind_at = models.DateTimeField(_("next reminder at"), null=True, blank=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("micro wish")
        verbose_name_plural = _("micro wishes")
        indexes = [
            models.Index(fields=["community", "state"], name="wish_community_state_idx"),
            models.Index(fields=["street", "state"], name="wish_street_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=True, organisation__isnull=True)
                | Q(member__isnull=True, partner_unit__isnull=True)
                | Q(organisation__isnull=True, partner_unit__isnull=True),
                name="wish_at_most_one_claimant",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=CLAIMED_STATES) | ~_NO_CLAIMANT,
                name="wish_claimed_has_claimant",
            ),
            models.CheckConstraint(
                condition=~Q(state=WishState.POSTED) | _NO_CLAIMANT, name="wish_posted_has_no_claimant"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="wish_rating_range",
            ),
            models.CheckConstraint(condition=Q(consent=True), name="wish_consent_given"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def resident_masked(self) -> str:
        return mask_name(self.resident_name)

    @property
    def claimant(self):
        return self.member or self.organisation or self.partner_unit

    @property
    def claimant_name(self) -> str:
        claimant = self.claimant
        return str(claimant) if claimant else ""

    @property
    def claimant_kind(self) -> str:
        if self.member_id:
            return ClaimantKind.MEMBER
        if self.organisation_id:
            return ClaimantKind.ORGANISATION
        if self.partner_unit_id:
            return ClaimantKind.PARTNER_UNIT
        return ""

    def get_claimant_kind_display(self) -> str:
        kind = self.claimant_kind
        return ClaimantKind(kind).label if kind else ""

    def overdue_on(self, today: datetime.date) -> bool:
        """Unclaimed past its claim_by, or claimed and not fulfilled past its fulfil_by."""
        if self.state == WishState.POSTED:
            return self.claim_by < today
        if self.state == WishState.CLAIMED:
            return self.fulfil_by is not None and self.fulfil_by < today
        return False

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


def overdue_filter(today: datetime.date) -> Q:
    """The wishes `overdue_on(today)`, as a filter."""
    return Q(state=WishState.POSTED, claim_by__lt=today) | Q(state=WishState.CLAIMED, fulfil_by__lt=today)


class WishEvent(TimelineEntry):
    """One entry of a wish's append-only timeline, written by the services."""

    wish = models.ForeignKey(
        MicroWish, models.PROTECT, related_name="events", verbose_name=_("micro wish"), db_index=False
    )
    action = models.CharField(_("action"), max_length=20, choices=WishAction.choices)
    from_state = models.CharField(_("from state"), max_length=20, choices=WishState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=WishState.choices, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("micro wish event")
        verbose_name_plural = _("micro wish events")
        indexes = [models.Index(fields=["wish", "created_at"], name="wishes_event_wish_time")]

    def __str__(self) -> str:
        return f"{self.wish_id} {self.action}"
