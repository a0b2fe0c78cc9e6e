from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "apps.workcalendar"
    label = "workcalendar"
    verbose_name = _("Work calendar")

    def ready(self):
        from .clock import office_hours  # noqa: PLC0415 - the clock imports the models

        # A mistyped GRIDGOV_OFFICE_HOURS stops every process at start instead of skewing deadlines.
        office_hours()
