"""Start GridGov on this machine: the web server and a Celery worker with beat, until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.core.demo import DEMO_LOGINS, DEMO_PASSWORD

STOP_TIMEOUT = 15


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the web server and a Celery worker with embedded beat; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port for the web server")

    def handle(self, *args, addr: str, **options):
        python = sys.executable
        queues = ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES)
        commands = {
            "web": [python, "manage.py", "runserver", addr],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--beat",
                "--queues",
                queues,
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
            ],
        }
        # Ctrl-C, closing the terminal or `kill` all stop the children. SIGINT is handled explicitly too,
        # because a shell that starts us in the background hands it down ignored.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupt)
        processes = {}
        try:
            for name, command in commands.items():
                # Own process groups: Ctrl-C reaches us once, and we stop the children in order.
                processes[name] = subprocess.Popen(  # noqa: S603 - fixed argument lists, no user input
                    command, cwd=settings.BASE_DIR, start_new_session=True
                )
            self._announce(addr)
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        raise CommandError(
                            _("The %(name)s process stopped (exit code %(code)s).")
                            % {"name": name, "code": process.returncode}
                        )
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("\n" + _("Stopping GridGov …"))
        finally:
            self._stop(processes)
        self.stdout.write(self.style.SUCCESS(_("GridGov stopped.")))

    def _announce(self, addr: str) -> None:
        width = max(len(login.username) for login in DEMO_LOGINS)
        lines = [
            "",
            self.style.SUCCESS(_("GridGov is starting at %(url)s") % {"url": f"http://{addr}/"}),
            _("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD},
            *(
                f"  {login.username.ljust(width)}  {login.full_name} ({login.description})"
                for login in DEMO_LOGINS
            ),
            _("Press Ctrl-C to stop the web server and the worker."),
            "",
        ]
        self.stdout.write("\n".join(str(line) for line in lines))
        self.stdout.flush()

    def _stop(self, processes: dict) -> None:
        for name, process in processes.items():
            if process.poll() is not None:
                continue
            if name == "web":
                # The autoreloader and the server it runs share the group; both just end.
                os.killpg(process.pid, signal.SIGTERM)
            else:
                # Celery's main process shuts down warmly and stops its own pool and beat.
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
