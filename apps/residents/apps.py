from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "apps.residents"
    label = "residents"
    verbose_name = _("Households and residents")
