"""Smoke run of the embedded default, as `make run` starts it.

In a fresh data directory: migrate the SQLite database, load the demo, start `manage.py runlocal` (web
server and Celery worker with beat on the filesystem broker), sign in through the real login page, check
that the main pages answer, then stop it with Ctrl-C (SIGINT) and check that everything stopped cleanly.
"""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

from apps.core.demo import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402 - after the project is on the path

# The demo login the smoke run signs in with: a user without administration rights.
LOGIN = next(login for login in DEMO_LOGINS if not login.is_superuser)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"smoke: FAILED: {message}")
    print(f"smoke: ok: {message}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gridgov-smoke-") as tmp:
        # A data folder that does not exist yet, as on a fresh clone.
        run_smoke(Path(tmp) / "data", Path(tmp) / "runlocal.log")


def run_smoke(data_dir: Path, log_path: Path) -> None:
    env = {**os.environ, "GRIDGOV_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"], ["seed_demo"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
    mode = sqlite3.connect(data_dir / "gridgov.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    check(mode == "wal", "the SQLite database is in WAL mode")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runlocal", "--addr", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            exercise(server, base)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    output = log_path.read_text()
    print(output[-3000:])
    check("celery@" in output and "ready" in output, "the Celery worker started on the filesystem broker")
    check(
        server.returncode == 0 and "网格治理平台已停止。" in output, "Ctrl-C stops the server and the worker"
    )


def exercise(server: subprocess.Popen, base: str) -> None:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    deadline = time.monotonic() + 60
    while True:
        try:
            health = opener.open(f"{base}/healthz", timeout=5).read().decode()
            break
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None:
                check(False, "runlocal keeps running while the server starts")
            if time.monotonic() > deadline:
                check(False, "the web server answers within 60 s")
            time.sleep(0.5)
    check('"database": "ok"' in health, "/healthz reports the database")

    login_page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    check("网格治理平台" in login_page and "登录" in login_page, "the login page is in Simplified Chinese")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": LOGIN.username, "password": DEMO_PASSWORD, "next": "/"}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": base})
    home = opener.open(request, timeout=10).read().decode()
    check("工作台" in home and LOGIN.full_name in home, "the demo user signs in and sees the shell")
    css = opener.open(f"{base}/static/vendor/bootstrap/css/bootstrap.min.css", timeout=10)
    check(css.status == 200, "front-end packages from npm are served")
    time.sleep(3)
    check(server.poll() is None, "the web server and the worker are still running")


if __name__ == "__main__":
    main()
