from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CobuildingConfig(AppConfig):
    name = "apps.cobuilding"
    label = "cobuilding"
    verbose_name = _("Co-building with partner units")

    def ready(self):
        from apps.notifications.reminders import register  # noqa: PLC0415 - needs the app registry

        from .reminders import SOURCE  # noqa: PLC0415

        register(SOURCE)
