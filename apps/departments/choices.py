from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentLevel(models.IntegerChoices):
    """The level a department works at; it is placed in an area of the same level."""

    DISTRICT = 1, _("district department")
    STREET = 2, _("street department")
