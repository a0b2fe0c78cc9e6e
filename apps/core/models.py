"""What the models of every app share."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
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


class SpentKey(models.Model):
    """A one-time key spent by what it created (apps.core.submissions): a create form's hidden key, or
    the Idempotency-Key of an API create. The first request keeps it, with where it led (the form) or
    its answer (the API), so that the same request sent again creates nothing and gets the same outcome.
    Kept for a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"), db_index=False
    )
    key = models.CharField(_("key"), max_length=64)
    # A form's: the page it led to. An API call's: its path (a key sent to another endpoint is refused).
    url = models.CharField(_("URL"), max_length=300, blank=True)
    # What the first request asked for (apps.core.submissions.fingerprint): the same key with other input
    # is not a resend.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    answer = models.JSONField(_("answer"), null=True, blank=True, encoder=DjangoJSONEncoder)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("spent key")
        verbose_name_plural = _("spent keys")
        constraints = [
            # Also the index by which a user's old keys are forgotten (its first column).
            models.UniqueConstraint(fields=["user", "key"], name="core_spentkey_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key
