"""Other systems that call GridGov (the 12345 hotline, city platforms, Open311 clients), their API keys and
the log of every call they make.

A client acts through its own system account, which holds the `integration` role for the client's area
limit: `restrict()` then scopes what a key reads and writes exactly as it scopes a person. A key is shown
once when issued and stored as a prefix (to find it) and a keyed hash (to check it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scopes import KeyScope


class IntegrationClient(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # The system's code: cases it reports carry it as their external system (for example "12345").
    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("Letters, digits, hyphens and underscores; cases this system reports carry it."),
    )
    description = models.TextField(_("description"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    area = models.ForeignKey(
        "areas.Area",
        models.PROTECT,
        related_name="+",
        verbose_name=_("area limit"),
        help_text=_("The client reads and writes only within this area (a district, street or community)."),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    rate_limit = models.PositiveIntegerField(
        _("rate limit (calls per minute)"),
        default=600,
        help_text=_("Calls per minute for each key; further calls are refused with status 429."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="integration_client",
        verbose_name=_("system account"),
        editable=False,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        editable=False,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")

    def __str__(self) -> str:
        return self.name

    def scope_labels(self) -> list[str]:
        return [str(KeyScope(scope).label) for scope in self.scopes if scope in KeyScope.values]


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiKey(models.Model):
    client = models.ForeignKey(
        IntegrationClient, models.CASCADE, related_name="keys", verbose_name=_("client")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed = models.CharField(_("keyed hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
        editable=False,
    )
    # Set when the key is rotated: the old key keeps working for a grace period, then stops.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"gg_{self.prefix}_…"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiCall(models.Model):
    """One call made with an API key: who, what, the answer and how long it took."""

    client = models.ForeignKey(
        IntegrationClient, models.CASCADE, related_name="calls", verbose_name=_("client")
    )
    key = models.ForeignKey(ApiKey, models.SET_NULL, null=True, related_name="+", verbose_name=_("API key"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["client", "-at"], name="apicall_client_at_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
