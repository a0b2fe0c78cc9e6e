from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.dashboards.rollup import rollup_refresh


class Command(BaseCommand):
    help = (
        "Refresh the dashboards' rollups now: the days after the watermark and the trailing window "
        "(as the nightly task does), or every day from --since (after re-gridding or a data repair)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--window", type=int, default=None, help="days recomputed before today")
        parser.add_argument("--since", type=date.fromisoformat, default=None, help="first day, YYYY-MM-DD")

    def handle(self, *args, window: int | None, since: date | None, **options):
        today = timezone.localdate()
        if since is not None:
            if since > today:
                raise CommandError(_("The first day cannot be after today."))
            window = (today - since).days
        if window is not None and window < 0:
            raise CommandError(_("The window is a number of days, 0 or more."))
        state = rollup_refresh(window_days=window)
        self.stdout.write(
            _("Computed %(days)d days in %(seconds).1f s; complete through %(day)s.")
            % {"days": state.refreshed_days, "seconds": state.seconds, "day": state.complete_through}
        )
