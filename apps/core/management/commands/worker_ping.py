import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.core.tasks import ping


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a worker to answer it (needs a result backend)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0)

    def handle(self, *args, timeout: float, **options):
        token = uuid.uuid4().hex
        try:
            answer = ping.delay(token).get(timeout=timeout)
        except Exception as exc:
            raise CommandError(
                _("No worker answered within %(seconds)g s: %(error)s") % {"seconds": timeout, "error": exc}
            ) from exc
        if answer != f"pong:{token}":
            raise CommandError(_("Unexpected answer from the worker: %(answer)r") % {"answer": answer})
        self.stdout.write(self.style.SUCCESS(_("A worker answered.")))
