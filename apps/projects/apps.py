from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from apps.notifications.reminders import register  # noqa: PLC0415 - the app registry must be ready

        from .reminders import MILESTONES, PROJECTS  # noqa: PLC0415

        register(MILESTONES)
        register(PROJECTS)
