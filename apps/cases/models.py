"""Case categories. The cases themselves arrive with the cases capability; departments and routing
already hang on the category tree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """One node of the editable case category tree (矛盾纠纷 > 邻里纠纷 …)."""

    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")

    def __str__(self) -> str:
        return self.name
