from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "apps.wishes"
    label = "wishes"
    verbose_name = _("Micro wishes")

    def ready(self):
        from apps.notifications.reminders import register  # noqa: PLC0415 - needs the app registry

        from .reminders import SOURCE  # noqa: PLC0415

        register(SOURCE)
