"""Start GridGov on this machine: the web server and a Celery worker with beat, until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.demo import DEMO_LOGINS, DEMO_PASSWORD

STOP_TIMEOUT = 15


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the web server and a Celery worker with embedded beat; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port for the web server")

    def handle(self, *args, addr: str, **options):
        transport = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        folders = [
            settings.MEDIA_ROOT,
            transport.get("data_folder_in"),
            transport.get("processed_folder"),
            transport.get("control_folder"),
        ]
        for folder in filter(None, folders):
            os.makedirs(folder, exist_ok=True)
        schedule = getattr(
            settings, "CELERY_BEAT_SCHEDULE_FILENAME", str(settings.DATA_DIR / "celerybeat-schedule")
        )
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
                "--schedule",
                schedule,
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
                        raise CommandError(f"The {name} process stopped (exit code {process.returncode}).")
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping GridGov …")
        finally:
            self._stop(processes)
        self.stdout.write(self.style.SUCCESS("GridGov stopped."))

    def _announce(self, addr: str) -> None:
        width = max(len(login.username) for login in DEMO_LOGINS)
        lines = [
            "",
            self.style.SUCCESS(f"GridGov 网格治理平台 is starting at http://{addr}/"),
            f"Demo logins (password for all: {DEMO_PASSWORD}):",
            *(
                f"  {login.username.ljust(width)}  {login.full_name} ({login.description})"
                for login in DEMO_LOGINS
            ),
            "Press Ctrl-C to stop the web server and the worker.",
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
