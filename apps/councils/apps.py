from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "apps.councils"
    label = "councils"
    verbose_name = _("Councils")

    def ready(self):
        from apps.notifications.reminders import register  # noqa: PLC0415 - needs the app registry

        from .reminders import TASK_REMINDERS  # noqa: PLC0415

        register(TASK_REMINDERS)
