from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    """Who an evaluation (考核) scores."""

    DEPARTMENT = "department", _("departments")
    STREET = "street", _("streets")
    COMMUNITY = "community", _("communities")
    GRID_WORKER = "grid_worker", _("grid workers")
