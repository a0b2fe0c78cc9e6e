"""Party organisations bound to the grid, joint committees with partner units, and the member roster."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet
from apps.areas.models import PlacedInArea

from .choices import Gender, OrganisationKind, PartnerUnitType


class PartyOrganisation(PlacedInArea):
    """One organisation of the party tree 区委 — 街道党工委 — 社区党委 — 网格党支部 — 楼栋党小组.

    Each is bound to the area of its level. A joint committee (大工委 at a street, 大党委 at a community)
    is an organisation with `is_joint` set, whose part-time members come from partner units.
    """

    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    area = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="party_organisations", verbose_name=_("area")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    is_joint = models.BooleanField(_("joint committee (大工委/大党委)"), default=False)
    secretary = models.ForeignKey(
        "party.PartyMember",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary"),
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "party"

    class Meta:
        ordering = ["area__code", "name"]
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="partyorg_unique_name_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerUnit(PlacedInArea):
    """A unit resident in an area (驻区单位) that co-builds with it."""

    area = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="partner_units", verbose_name=_("area")
    )
    name = models.CharField(_("name"), max_length=150)
    unit_type = models.CharField(_("type"), max_length=30, choices=PartnerUnitType.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "party"

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="partnerunit_unique_name_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


class PartTimeMember(PlacedInArea):
    """A part-time member (兼职委员) of a joint committee, sent by a partner unit."""

    organisation = models.ForeignKey(
        PartyOrganisation, models.CASCADE, related_name="part_time_members", verbose_name=_("joint committee")
    )
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("area"))
    partner_unit = models.ForeignKey(
        PartnerUnit, models.PROTECT, related_name="part_time_members", verbose_name=_("partner unit")
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position in the unit"), max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "party"

    class Meta:
        ordering = ["organisation_id", "name"]
        verbose_name = _("part-time member")
        verbose_name_plural = _("part-time members")

    def __str__(self) -> str:
        return self.name


class PartyMember(PlacedInArea):
    """A party member on the roster of exactly one organisation; working members (在职党员) flagged."""

    organisation = models.ForeignKey(
        PartyOrganisation, models.PROTECT, related_name="members", verbose_name=_("organisation")
    )
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("area"))
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    is_working_member = models.BooleanField(_("working member (在职党员)"), default=False)
    workplace = models.CharField(_("workplace"), max_length=150, blank=True)
    user = models.OneToOneField(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_member",
        verbose_name=_("user account"),
    )

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "party"

    class Meta:
        ordering = ["organisation_id", "name", "id"]
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        indexes = [models.Index(fields=["organisation", "is_working_member"], name="member_org_working_idx")]

    def __str__(self) -> str:
        return self.name
