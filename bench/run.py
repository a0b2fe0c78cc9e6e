"""GridGov benchmarks: `make bench` runs this against throwaway PostgreSQL and Redis servers.

Each benchmark requests one page or endpoint many times in process through Django's test client (no
network, no browser), so the figures measure GridGov's own work: middleware, queries, templates and
serialisation. Timings on a shared two-core machine are noisy; the report gives medians and each
figure's ratio to /healthz measured in the same run, which travels better between machines than
milliseconds. Results are written to docs/benchmarks.md.
"""

import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from apps.accounts.services import api_token_issue, user_create  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
WARMUP = 20
REPORT = ROOT / "docs" / "benchmarks.md"


def measure(client: Client, path: str, **headers) -> dict:
    for _ in range(WARMUP):
        assert client.get(path, headers=headers).status_code == 200, path
    with CaptureQueriesContext(connection) as captured:
        client.get(path, headers=headers)
    # Read now: the next request's request_started signal empties the connection's query log.
    queries = len(captured.captured_queries)
    timings = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(path, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "queries": queries,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"{connection.vendor}"
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, Django {django.get_version()}, "
        f"{database}"
    )


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user = user_create(username="bench", password="Bench-Passw0rd-1", full_name="测试用户")
        token = api_token_issue(user=user).key
        anonymous, signed_in = Client(), Client()
        signed_in.force_login(user)
        results = {
            "GET /healthz": measure(anonymous, "/healthz"),
            "GET /accounts/login/ (anonymous)": measure(anonymous, "/accounts/login/"),
            "GET / (workbench, signed in)": measure(signed_in, "/"),
            "GET /api/v1/auth/me/ (token)": measure(
                anonymous, "/api/v1/auth/me/", authorization=f"Token {token}"
            ),
        }
        description = machine()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    write_report(results, description)


def write_report(results: dict, description: str) -> None:
    base = results["GET /healthz"]["median"]
    today = datetime.now().astimezone().strftime("%Y-%m-%d")
    rows = [
        f"| {name} | {r['median']:.2f} | {r['p95']:.2f} | {r['median'] / base:.1f}x | {r['queries']} |"
        for name, r in results.items()
    ]
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            (
                "Written by `make bench` (bench/run.py); do not edit by hand. Each row is "
                f"{REQUESTS} requests through Django's test client after {WARMUP} warm-up requests, "
                "in one process against throwaway PostgreSQL and Redis servers. Ratios are to the "
                "median of /healthz in the same run."
            ),
            "",
            f"## Page shell and API shell ({today})",
            "",
            f"Machine: {description}.",
            "",
            "| request | median ms | p95 ms | median vs /healthz | queries |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    REPORT.write_text(text, encoding="utf-8")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
