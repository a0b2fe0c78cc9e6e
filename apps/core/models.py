"""What the models of every app share."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimelineEntry(models.Model):
    """One entry of an object's append-only timeline (DESIGN.md, backbone decision 4), written by the
    services of its app and shown on the object's page. A concrete timeline adds the foreign key to its
    object and its own `action`, `from_state` and `to_state` choices, and names its index."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        # The timelines are read by their object (the concrete model's index), never by actor.
        db_index=False,
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class FormSubmission(models.Model):
    """The spent key of a create form (apps.core.submissions): the first submission that created
    something keeps it with where it led, so that the same form sent again (a double click, a resend on a
    slow network) creates nothing and leads there too. Kept for a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"), db_index=False
    )
    key = models.CharField(_("key"), max_length=64)
    url = models.CharField(_("led to"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            # Also the index by which a user's old keys are forgotten (its first column).
            models.UniqueConstraint(fields=["user", "key"], name="core_formsubmission_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key
