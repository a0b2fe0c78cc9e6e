import uuid

from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"No worker answered within {timeout:g} s: {exc}") from exc
        if answer != f"pong:{token}":
            raise CommandError(f"Unexpected answer from the worker: {answer!r}")
        self.stdout.write(self.style.SUCCESS("A worker answered."))
