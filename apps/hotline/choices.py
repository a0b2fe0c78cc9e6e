from django.db import models
from django.utils.translation import gettext_lazy as _


class MappingKind(models.TextChoices):
    """What an external code of the hotline names: one of its categories or one of its places."""

    CATEGORY = "category", _("category")
    AREA = "area", _("area")


class OrderState(models.TextChoices):
    """Where a work order from the hotline stands in GridGov. A delivery is kept first (received), and mapped
    moments later by a worker: into a case, or into the triage queue."""

    RECEIVED = "received", _("received, being mapped")
    MAPPED = "mapped", _("case created")
    TRIAGE = "triage", _("waiting in the triage queue")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn by the hotline")


class TriageReason(models.TextChoices):
    """Why an order could not become a case on its own and waits for staff to map it."""

    UNKNOWN_CATEGORY = "unknown_category", _("the category code is not mapped")
    UNKNOWN_AREA = "unknown_area", _("the area code is not mapped")
    UNKNOWN_BOTH = "unknown_both", _("neither the category code nor the area code is mapped")
    CATEGORY_RETIRED = "category_retired", _("the mapped category is no longer in use")
    AREA_RETIRED = "area_retired", _("the mapped area has been retired")
    AREA_OUTSIDE_LIMIT = "area_outside_limit", _("the mapped area lies outside the hotline's area limit")
    NOT_REPORTABLE = "not_reportable", _("the case could not be reported (see the note)")
