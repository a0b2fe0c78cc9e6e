"""The 12345 hotline's work orders as GridGov received them, and the code tables that map the hotline's
categories and places onto GridGov's.

A delivery is kept as it arrives (state "received", not yet placed) and mapped moments later by a worker
(apps.hotline.tasks): an order that maps becomes a case; one that does not waits in the triage queue of the
area it could be placed in (the mapped place, else the hotline's area limit), so that a street's staff see
only the orders within their street. Orders are never deleted: the hotline asks about them by its own
serial number.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet
from apps.areas.models import PlacedInArea
from apps.cases.choices import Urgency
from apps.core.crypto import decrypt, mask_phone

from .choices import MappingKind, OrderState, TriageReason

# Levels whose staff triage orders (and whose scope filters read these columns); each has an index that
# also serves the newest-first order of the lists.
LISTED_LEVELS = ("district", "street", "community", "grid")


def within_limit(client, area) -> bool:
    """Whether `area` lies within the client's area limit (the limit itself included)."""
    return area.pk == client.area_id or client.area_id in area.ancestor_ids


def _ancestor(label):
    # The composite indexes below lead with these columns, so they need no index of their own.
    return models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
        db_index=False,
    )


class CodeMapping(models.Model):
    """One entry of a hotline's code table: its code for a category or a place, and what it is in GridGov.

    Administrators maintain the tables; staff add to them when they map an order by hand and ask for the
    mapping to be remembered.
    """

    client = models.ForeignKey(
        "integrations.IntegrationClient",
        models.PROTECT,
        related_name="code_mappings",
        verbose_name=_("client"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MappingKind.choices)
    code = models.CharField(_("external code"), max_length=64)
    label = models.CharField(_("external label"), max_length=100, blank=True)
    category = models.ForeignKey(
        "cases.Category",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    area = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["client", "kind", "code"]
        verbose_name = _("code mapping")
        verbose_name_plural = _("code mappings")
        constraints = [
            models.UniqueConstraint(fields=["client", "kind", "code"], name="hotline_mapping_unique_code"),
            models.CheckConstraint(
                condition=Q(kind=MappingKind.CATEGORY, category__isnull=False, area__isnull=True)
                | Q(kind=MappingKind.AREA, area__isnull=False, category__isnull=True),
                name="hotline_mapping_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.category or self.area}"

    def clean(self) -> None:
        if self.kind == MappingKind.CATEGORY:
            self.area = None
            if self.category_id is None:
                raise ValidationError({"category": _("Choose the category this code stands for.")})
        elif self.kind == MappingKind.AREA:
            self.category = None
            if self.area_id is None:
                raise ValidationError({"area": _("Choose the area this code stands for.")})
            if self.client_id and not within_limit(self.client, self.area):
                raise ValidationError({"area": _("This area lies outside the client's area limit.")})


class HotlineOrderQuerySet(RestrictedQuerySet):
    def waiting(self):
        return self.filter(state=OrderState.TRIAGE)

    def placed(self):
        """All but the orders only received: those are in no area yet, and mapped within moments."""
        return self.exclude(state=OrderState.RECEIVED)


class HotlineOrder(PlacedInArea):
    """A work order from the 12345 hotline as received: what was sent, kept whole, and what became of it.

    `serial` is the hotline's own number, unique per client: the database refuses a second order with it,
    which is what makes a retried delivery harmless. Scoped like cases ("case.view", "case.triage").
    """

    district = _ancestor(_("district"))
    street = _ancestor(_("street"))
    community = _ancestor(_("community"))
    grid = _ancestor(_("grid"))
    client = models.ForeignKey(
        "integrations.IntegrationClient",
        models.PROTECT,
        related_name="hotline_orders",
        verbose_name=_("client"),
        db_index=False,
    )
    serial = models.CharField(_("hotline serial number"), max_length=64)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    category_code = models.CharField(_("category code"), max_length=64, blank=True)
    area_code = models.CharField(_("area code"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    caller_name = models.CharField(_("caller's name"), max_length=50, blank=True)
    caller_phone_encrypted = models.TextField(_("caller's phone (encrypted)"), blank=True, editable=False)
    caller_phone_hash = models.CharField(
        _("caller's phone (keyed hash)"), max_length=64, blank=True, editable=False
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    payload = models.JSONField(_("payload as received"), default=dict, editable=False)

    state = models.CharField(_("state"), max_length=10, choices=OrderState.choices)
    triage_reason = models.CharField(
        _("why it waits for triage"), max_length=20, choices=TriageReason.choices, blank=True
    )
    # Where the order is placed: the case's place once there is a case, else the mapped place, else the
    # client's area limit; none while it is only received. The mapped category, when the category code maps.
    area = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placed in"),
        db_index=False,
    )
    category = models.ForeignKey(
        "cases.Category",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        db_index=False,
    )
    case = models.OneToOneField(
        "cases.Case",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_order",
        verbose_name=_("case"),
    )
    note = models.TextField(_("triage note"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
        db_index=False,
    )
    resolved_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("why it was withdrawn"), blank=True)

    objects = HotlineOrderQuerySet.as_manager()
    scope_resource = "case"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("hotline work order")
        verbose_name_plural = _("hotline work orders")
        constraints = [
            models.UniqueConstraint(fields=["client", "serial"], name="hotline_order_unique_serial"),
            models.CheckConstraint(
                condition=Q(state=OrderState.TRIAGE, case__isnull=True) | ~Q(state=OrderState.TRIAGE),
                name="hotline_order_triage_without_case",
            ),
            models.CheckConstraint(
                condition=Q(state=OrderState.RECEIVED, area__isnull=True, case__isnull=True)
                | (~Q(state=OrderState.RECEIVED) & Q(area__isnull=False)),
                name="hotline_order_placed_once_mapped",
            ),
        ]
        indexes = [
            *(
                models.Index(fields=[level, "-received_at", "-id"], name=f"hotline_{level}_received")
                for level in LISTED_LEVELS
            ),
            # The triage queues: a few rows whatever the history behind them.
            *(
                models.Index(
                    fields=[level, "-received_at"],
                    condition=Q(state=OrderState.TRIAGE),
                    name=f"hotline_{level}_triage",
                )
                for level in LISTED_LEVELS[:3]
            ),
            # The orders waiting for the mapping worker, oldest first: a few rows at any moment.
            models.Index(
                fields=["received_at", "id"],
                condition=Q(state=OrderState.RECEIVED),
                name="hotline_received_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client.code if self.client_id else ''} {self.serial}".strip()

    @property
    def caller_phone_masked(self) -> str:
        return mask_phone(decrypt(self.caller_phone_encrypted))
