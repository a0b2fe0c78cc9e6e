"""Households (户) below the buildings, the residents living in them, and what guards their personal data:
encrypted numbers with keyed hashes and masks, and the access log of every unmasked view."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.scope import RestrictedQuerySet
from apps.areas.models import PlacedInArea

from .choices import (
    AccessPurpose,
    Gender,
    HouseholdAction,
    HouseholdKind,
    ImportStatus,
    Relation,
    Residence,
    RevealedField,
    RiskColour,
)


class CareTag(models.Model):
    """A care group (重点人群: 独居老人, 残疾人, 低保 …): an editable list; visit plans can name one."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("care group")
        verbose_name_plural = _("care groups")

    def __str__(self) -> str:
        return self.name


class RiskRule(models.Model):
    """A rule that sets a rental's risk colour (群租 → 红 …): an editable list, named on every setting."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    colour = models.CharField(_("risk colour"), max_length=10, choices=RiskColour.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_colour_display()})"


def _building_fk(**options):
    return models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="+", verbose_name=_("building"), **options
    )


class Household(PlacedInArea):
    """One dwelling or shop in a building: unit, floor and room, its kind and, for rentals, a risk colour.

    The visit schedule (`last_visited_at`, `visit_interval_days`, `visit_due_on`) is written by
    `apps.visits.schedule` whenever a visit, a tag, a colour or a plan changes, so that "who is due" is one
    indexed range read per grid.
    """

    # The household's area is its building (a PlacedInArea column); the composite indexes below lead
    # with the ancestor columns, so those need no index of their own.
    district = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, related_name="+", verbose_name=_("district"), db_index=False
    )
    street = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, related_name="+", verbose_name=_("street"), db_index=False
    )
    community = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, related_name="+", verbose_name=_("community"), db_index=False
    )
    grid = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, related_name="+", verbose_name=_("grid"), db_index=False
    )
    building = _building_fk(db_index=False)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=20)
    address = models.CharField(_("address"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=HouseholdKind.choices)
    risk_colour = models.CharField(_("risk colour"), max_length=10, choices=RiskColour.choices, blank=True)
    risk_rule = models.ForeignKey(
        RiskRule, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("risk rule")
    )
    risk_set_at = models.DateTimeField(_("risk colour set at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_visited_at = models.DateTimeField(_("last visited at"), null=True, blank=True)
    visit_plan = models.ForeignKey(
        "visits.VisitPlan",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visit plan"),
        db_index=False,
    )
    visit_interval_days = models.PositiveSmallIntegerField(_("visit every (days)"), null=True, blank=True)
    visit_due_on = models.DateField(_("next visit due on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    area_field = "building"
    scope_resource = "household"

    class Meta:
        ordering = ["building_id", "unit", "floor", "room", "id"]
        verbose_name = _("household")
        verbose_name_plural = pgettext_lazy("model", "households")
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="household_unique_room"),
            models.CheckConstraint(
                condition=Q(kind=HouseholdKind.RENTED) | Q(risk_colour=""),
                name="household_colour_rentals_only",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "visit_due_on"], name="household_district_due_idx"),
            models.Index(fields=["street", "visit_due_on"], name="household_street_due_idx"),
            models.Index(fields=["community", "visit_due_on"], name="household_community_due_idx"),
            models.Index(fields=["grid", "visit_due_on"], name="household_grid_due_idx"),
        ]

    def __str__(self) -> str:
        return self.address


class Resident(PlacedInArea):
    """A person living in a household. The ID number and phone are stored encrypted, with a keyed hash to
    find them and a mask to show them; the plain value is read only through `resident_reveal`, which
    writes the access log."""

    district = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, related_name="+", verbose_name=_("district"), db_index=False
    )
    street = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, related_name="+", verbose_name=_("street"), db_index=False
    )
    community = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, related_name="+", verbose_name=_("community"), db_index=False
    )
    grid = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, related_name="+", verbose_name=_("grid"), db_index=False
    )
    building = _building_fk(null=True, db_index=False)
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_hash = models.CharField(_("ID number (keyed hash)"), max_length=64, blank=True, editable=False)
    id_number_mask = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_hash = models.CharField(_("phone (keyed hash)"), max_length=64, blank=True, editable=False)
    phone_mask = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    relation = models.CharField(_("relation to the head"), max_length=20, choices=Relation.choices)
    residence = models.CharField(_("residence"), max_length=20, choices=Residence.choices)
    tags = models.ManyToManyField(
        CareTag, blank=True, related_name="residents", verbose_name=_("care groups")
    )
    party_member = models.ForeignKey(
        "party.PartyMember",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("party member"),
    )
    is_active = models.BooleanField(_("lives here"), default=True)
    moved_out_at = models.DateTimeField(_("moved out at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    area_field = "building"
    scope_resource = "resident"

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            # One person, one record: an import of the same ID number updates it.
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~Q(id_number_hash=""), name="resident_unique_id_number"
            ),
        ]
        indexes = [
            # Name search is "begins with" inside the user's area: a range scan of these on PostgreSQL,
            # whose pattern operator class serves LIKE 'x%' whatever the database's collation.
            *(
                models.Index(
                    fields=[level, "name"],
                    name=f"resident_{level}_name_idx",
                    opclasses=["int8_ops", "varchar_pattern_ops"],
                )
                for level in ("district", "street", "community", "grid")
            ),
            models.Index(fields=["phone_hash"], condition=~Q(phone_hash=""), name="resident_phone_hash_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdEvent(models.Model):
    """One entry of a household's append-only timeline: registration, changes, risk colours (with the rule
    that set each), residents added, changed or moved out, and imports."""

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="events", verbose_name=_("household")
    )
    resident = models.ForeignKey(
        Resident, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resident")
    )
    action = models.CharField(_("action"), max_length=20, choices=HouseholdAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("household timeline entry")
        verbose_name_plural = _("household timeline entries")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ResidentAccess(PlacedInArea):
    """The access log (访问日志): who saw or exported whose unmasked ID number or phone, when and why.
    Placed where the resident lives, so auditors read the log of their own area through `restrict`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("who")
    )
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+", verbose_name=_("whose"))
    field = models.CharField(_("what"), max_length=20, choices=RevealedField.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=AccessPurpose.choices)
    reason = models.CharField(_("reason given"), max_length=200)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    objects = RestrictedQuerySet.as_manager()

    area_field = "building"
    scope_resource = "accesslog"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.user} {self.get_field_display()} {self.created_at:%Y-%m-%d %H:%M}"


def import_path(job: "ImportJob", filename: str) -> str:
    return f"imports/{job.created_at:%Y/%m}/{filename}"


class ImportJob(models.Model):
    """One upload of the household and resident workbook, validated and written by a Celery task that
    reports its progress here; the row-by-row errors stay with the job."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to=import_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    strict = models.BooleanField(
        _("strict"), default=False, help_text=_("Save nothing when any row is wrong.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(pgettext_lazy("import", "created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(pgettext_lazy("import", "rejected"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.name
