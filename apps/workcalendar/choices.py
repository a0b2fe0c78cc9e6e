from django.db import models
from django.utils.translation import gettext_lazy as _


class DaySource(models.TextChoices):
    """Where a day of the work calendar comes from."""

    LIBRARY = "library", _("official schedule (chinese-calendar)")
    ADMIN = "admin", _("entered by an administrator")


class Clock(models.TextChoices):
    """How a time limit runs: in office hours of working days, or without pause (emergencies)."""

    WORKING = "working", _("working time")
    AROUND_THE_CLOCK = "around_the_clock", _("around the clock")
