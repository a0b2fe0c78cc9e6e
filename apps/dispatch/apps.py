from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "apps.dispatch"
    verbose_name = _("Whistles and dispatch")
