from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from apps.core.services import demo_seed


class Command(BaseCommand):
    help = "Load the demo data. Creates what is missing and leaves existing rows as they are."

    def handle(self, *args, **options):
        result = demo_seed()
        self.stdout.write(
            _("Demo data: %(created)d users created, %(present)d already present.")
            % {"created": result.created, "present": result.present}
        )
