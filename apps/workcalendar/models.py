"""The work calendar (工作日历): which dates are working days, from the official holiday schedule."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import VIEW, RestrictedQuerySet, Scope

from .choices import DaySource


class WorkDay(models.Model):
    """One date of the work calendar: a working day or not, and why.

    Rows come from chinese-calendar, which knows the State Council's holidays and make-up working days
    (调休), or from an administrator who entered a year's official schedule or overrode one date. A date
    without a row is counted by the plain Monday-to-Friday rule, and deadlines that rely on it are
    provisional (apps.workcalendar.clock).
    """

    day = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    source = models.CharField(_("source"), max_length=10, choices=DaySource.choices)
    holiday = models.CharField(
        _("holiday"),
        max_length=50,
        blank=True,
        help_text=_("The holiday this date belongs to, or makes up for; blank for an ordinary day."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Everyone signed in reads the calendar; only superusers (unrestricted) change it.
    objects = RestrictedQuerySet.as_manager()

    scope_resource = "calendar"

    class Meta:
        ordering = ["day"]
        verbose_name = _("work calendar day")
        verbose_name_plural = _("work calendar days")
        constraints = [
            models.CheckConstraint(condition=Q(source__in=DaySource.values), name="workday_source_valid"),
        ]

    def __str__(self) -> str:
        return self.day.isoformat()

    @property
    def is_makeup_day(self) -> bool:
        """A Saturday or Sunday worked in exchange for a holiday (调休上班)."""
        return self.is_workday and self.day.weekday() >= 5

    @classmethod
    def scope_filter(cls, _scope: Scope, action: str) -> Q | None:
        return Q() if action == VIEW else None
