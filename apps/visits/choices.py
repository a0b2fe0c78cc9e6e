from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    """走访 / 巡查 / 信息采集."""

    HOUSEHOLD = "household", _("household visit")
    PATROL = "patrol", _("patrol")
    COLLECTION = "collection", _("data collection")
