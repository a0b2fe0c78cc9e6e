"""Party organisations bound to the grid, joint committees with partner units, and the member roster."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import VIEW, RestrictedQuerySet, Scope, subtree_filter
from apps.areas.models import PlacedInArea
from apps.core.models import TimelineEntry

from .choices import (
    Gender,
    OrganisationKind,
    PartnerUnitType,
    RegistrationAction,
    RegistrationSource,
    RegistrationState,
)

# A registered member counts as active (活跃) with at least one service record in this many days.
ACTIVE_WITHIN_DAYS = 90


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

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> models.Q | None:
        """The units in the user's areas, and for reading also those resident in the street or district
        above them: a community co-builds with the units of its street, as it dispatches to its
        departments (Department.scope_filter)."""
        condition = super().scope_filter(scope, action)
        if action != VIEW:
            return condition
        above = scope.ancestors(f"{cls.scope_resource}.{action}")
        if not above:
            return condition
        resident_above = models.Q(area_id__in=sorted(above))
        return resident_above if condition is None else condition | resident_above


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


def registration_scope(scope: Scope, action: str, prefix: str = "") -> models.Q | None:
    """Registrations seen from both sides: the community's (rows placed where the user holds
    "cogov.<action>") and the member's organisation's (members placed where the user holds
    "party.<action>"), so that an organisation sees where its members serve, in any community."""
    conditions = [
        condition
        for condition in (
            subtree_filter(scope.areas(f"cogov.{action}"), prefix=prefix),
            subtree_filter(scope.areas(f"party.{action}"), prefix=f"{prefix}member__"),
        )
        if condition is not None
    ]
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]


class MemberRegistration(PlacedInArea):
    """A working member registered with their residence community (在职党员到社区报到).

    `area` is where the community assigned the member: a grid or building of the community, or the
    community itself until assigned. The copied `community` column is the residence community.
    """

    member = models.ForeignKey(
        PartyMember, models.PROTECT, related_name="registrations", verbose_name=_("member")
    )
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("assigned to"))
    source = models.CharField(
        _("registered by the side of"), max_length=20, choices=RegistrationSource.choices
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RegistrationState.choices, default=RegistrationState.ACTIVE
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        db_index=False,
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("member registration")
        verbose_name_plural = _("member registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(state=RegistrationState.ACTIVE),
                name="party_registration_one_active",
            ),
        ]
        indexes = [models.Index(fields=["community", "state"], name="party_registration_comm_state")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.community}"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> models.Q | None:
        return registration_scope(scope, action)


class RegistrationEvent(TimelineEntry):
    """One entry of a registration's append-only timeline."""

    registration = models.ForeignKey(
        MemberRegistration,
        models.PROTECT,
        related_name="events",
        verbose_name=_("registration"),
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=20, choices=RegistrationAction.choices)
    from_state = models.CharField(
        _("from state"), max_length=10, choices=RegistrationState.choices, blank=True
    )
    to_state = models.CharField(_("to state"), max_length=10, choices=RegistrationState.choices, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        indexes = [models.Index(fields=["registration", "created_at"], name="party_regevent_reg_time")]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.action}"


class ServiceRecord(PlacedInArea):
    """Service a registered member gave (what, when, how many hours), placed where the member served.

    A record is seen by whoever sees its registration."""

    registration = models.ForeignKey(
        MemberRegistration,
        models.PROTECT,
        related_name="service_records",
        verbose_name=_("registration"),
        db_index=False,
    )
    area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("area"))
    title = models.CharField(_("service"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    served_on = models.DateField(_("served on"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "cogov"

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="party_service_hours_range"
            ),
        ]
        indexes = [models.Index(fields=["registration", "served_on"], name="party_service_reg_day")]

    def __str__(self) -> str:
        return f"{self.title} ({self.served_on})"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> models.Q | None:
        return registration_scope(scope, action, prefix="registration__")
