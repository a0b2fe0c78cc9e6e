"""GridGov benchmarks: `make bench` runs this against throwaway PostgreSQL and Redis servers.

Each benchmark requests one page or endpoint many times in process through Django's test client (no
network, no browser), so the figures measure GridGov's own work: middleware, queries, templates and
serialisation. Timings on a shared two-core machine are noisy; the report gives medians and each
figure's ratio to /healthz measured in the same run, which travels better between machines than
milliseconds. Results are written to docs/benchmarks.md.

After the page and API shell, the demo city is loaded at metro scale (16 districts, 300,000 buildings;
BENCH_SCALE=district or demo for a quicker run) into the same fresh database, timed as the wall time of
`manage.py seed_demo`, and the street user's scoped area list and a community's subtree are measured at
queryset level and through the areas API.

BENCH_ONLY=dashboards (a comma-separated list of cases, imports, people, dashboards, integrations) runs
only those steps after the shell and the city (without the case benchmark's million, the dashboards load
all their cases themselves); such a run replaces only its own sections of docs/benchmarks.md and keeps
the others.
"""

import io
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.accounts.models import RoleAssignment, User  # noqa: E402
from apps.accounts.services import api_token_issue, user_create  # noqa: E402
from apps.areas.choices import AreaLevel  # noqa: E402
from apps.areas.models import Area, AreaChange  # noqa: E402
from apps.party.models import PartyMember, PartyOrganisation  # noqa: E402
from bench import imports as bench_imports  # noqa: E402
from bench import people as bench_people  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
WARMUP = 20
SCALE = os.environ.get("BENCH_SCALE", "metro")
REPORT = ROOT / "docs" / "benchmarks.md"
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
SWEEP_DEADLINES = int(os.environ.get("BENCH_SWEEP", "100000"))
ONLY = {step.strip() for step in os.environ.get("BENCH_ONLY", "").split(",") if step.strip()}
# A long load can be kept and measured again: BENCH_KEEP_DB=1 leaves the benchmark database in place at
# the end; BENCH_REUSE_DB=1 starts from the kept one (migrated to the code being measured) instead of a
# fresh one, loading the city and the dashboards' cases only where they are missing, and keeps it too
# (a reuse that dropped the database at its end would leave the next one to load it all again).
REUSE_DB = bool(os.environ.get("BENCH_REUSE_DB"))
KEEP_DB = bool(os.environ.get("BENCH_KEEP_DB")) or REUSE_DB


def wanted(step: str) -> bool:
    return not ONLY or step in ONLY


def measure(client: Client, path: str, **headers) -> dict:
    for _ in range(WARMUP):
        assert client.get(path, headers=headers).status_code == 200, path
    return measure_call(lambda: client.get(path, headers=headers), warmup=0)


def measure_call(call, *, warmup: int = WARMUP, runs: int | None = None) -> dict:
    """Median, p95 and number of queries of `call()`, run `runs` (REQUESTS) times after `warmup` runs."""
    for _ in range(warmup):
        call()
    with CaptureQueriesContext(connection) as captured:
        call()
    # Read now: the next request's request_started signal empties the connection's query log.
    queries = len(captured.captured_queries)
    timings = []
    for _ in range(runs or REQUESTS):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "queries": queries,
    }


def bench_city() -> dict:
    """Load the demo city into the (fresh, area-less) database, then measure scoped area reads."""
    assert not Area.objects.exists(), "the demo city is loaded into a database without areas"
    start = time.perf_counter()
    # The households come later, ten million of them (bench/people.py).
    call_command("seed_demo", scale=SCALE, seed=1, cases=0, people=False, stdout=io.StringIO())
    load = time.perf_counter() - start
    rows = {
        "areas": Area.objects.count(),
        "area history rows": AreaChange.objects.count(),
        "party organisations": PartyOrganisation.objects.count(),
        "party members": PartyMember.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
    }
    levels = {level: Area.objects.filter(level=level).count() for level in AreaLevel.values}
    # A bulk load is followed by ANALYZE in any real deployment (autovacuum would do it a little later).
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analyze = time.perf_counter() - start

    user = User.objects.get(username="street")
    street = RoleAssignment.objects.get(user=user).area
    community = Area.objects.filter(parent=street).order_by("code").first()
    subtree_size = Area.objects.restrict(user).filter(community_id=community.pk).count()
    measured = {
        "street user's area list, first 50 by code (queryset)": measure_call(
            lambda: list(Area.objects.restrict(user).filter(is_active=True).order_by("code")[:50])
        ),
        f"subtree of a community, {subtree_size} areas (queryset)": measure_call(
            lambda: list(Area.objects.restrict(user).filter(community_id=community.pk))
        ),
    }
    # Other systems call the API with a token: no session is read or written.
    client = Client()
    token = f"Token {api_token_issue(user=user).key}"
    for name, path in (
        ("GET /api/v1/areas/?page_size=50 (street user, token)", "/api/v1/areas/?page_size=50"),
        (
            f"GET /api/v1/areas/?ancestor=<community>&page_size=50 (street user, token, {subtree_size} rows)",
            f"/api/v1/areas/?ancestor={community.pk}&page_size=50",
        ),
    ):
        measured[name] = measure(client, path, authorization=token)
    return {
        "load": load,
        "analyze": analyze,
        "rows": rows,
        "levels": levels,
        "measured": measured,
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
    # No setup_test_environment(): it instruments every template render for the test client (a copy of
    # the context at each include), which a served page does not pay. The test settings already accept
    # the client's host and keep mail in memory.
    # Not serialised: no test restores it, and a kept database holds millions of rows.
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=REUSE_DB
    )
    try:
        user = User.objects.filter(username="bench").first() or user_create(
            username="bench", password="Bench-Passw0rd-1", full_name="测试用户"
        )
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
        # A kept database has its city: the report keeps the section of the run that loaded it.
        city = None if REUSE_DB and Area.objects.exists() else bench_city()
        cases = imports = people = dashboards = None
        if wanted("cases"):
            cases = bench_cases_all()
        if wanted("imports"):
            imports = bench_imports.bench_import()
        if wanted("people"):
            people = bench_people.bench_people(measure=measure)
        if wanted("dashboards"):
            from bench import dashboards as bench_dashboards

            dashboards = bench_dashboards.bench_dashboards(measure=measure, measure_call=measure_call)
        integrations = None
        if wanted("integrations"):
            from bench import integrations as bench_integrations

            integrations = bench_integrations.bench_integrations()
        description = machine()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=KEEP_DB)
    write_report(
        results,
        city,
        cases,
        imports,
        description,
        people=people,
        dashboards=dashboards,
        integrations=integrations,
    )


def bench_cases_all() -> dict:
    """Issue 4's figures: a million cases in one district, the sweep of 100,000 due deadlines, and the
    latency of escalations with beat and a worker running (bench/cases.py)."""
    from bench import cases as bench_cases

    return {
        "million": bench_cases.bench_million(count=CASES, measure=measure, measure_call=measure_call),
        "sweep": bench_cases.bench_sweep(SWEEP_DEADLINES),
        "latency": bench_cases.bench_escalation_latency(),
    }


def write_report(
    results: dict,
    city: dict | None,
    cases: dict | None,
    imports: dict | None,
    description: str,
    *,
    people: dict | None,
    dashboards: dict | None = None,
    integrations: dict | None = None,
) -> None:
    base = results["GET /healthz"]["median"]
    today = datetime.now(UTC).strftime("%Y-%m-%d UTC")
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
            *(city_report(city, base, today) if city else []),
            *(cases_report(cases, base, today) if cases else []),
            *(bench_imports.imports_report(imports, today) if imports else []),
            *(bench_people.people_report(people, base, today) if people else []),
            *(dashboards_report(dashboards, base, today) if dashboards else []),
            *(integrations_report(integrations, today) if integrations else []),
        ]
    )
    if (ONLY or city is None) and REPORT.exists():
        text = _keep_other_sections(REPORT.read_text(encoding="utf-8"), text)
    REPORT.write_text(text, encoding="utf-8")
    sys.stdout.write(text)


def dashboards_report(dashboards: dict, base: float, today: str) -> list[str]:
    from bench import dashboards as bench_dashboards

    return bench_dashboards.dashboards_report(dashboards, base, today)


def integrations_report(integrations: dict, today: str) -> list[str]:
    from bench import integrations as bench_integrations

    return bench_integrations.integrations_report(integrations, today)


def _sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first section, and each "## " section as (title without its date, text)."""
    head, *parts = text.split("\n## ")
    return head, [(part.split("\n", 1)[0].split(" (")[0], "## " + part) for part in parts]


def _keep_other_sections(old: str, new: str) -> str:
    """A partial run's report: its own sections in place of the old ones of the same title, the rest of
    the old report kept, in the old order (new sections at the end)."""
    head, fresh = _sections(new)
    _old_head, previous = _sections(old)

    def same(a: str, b: str) -> bool:
        return a.startswith(b) or b.startswith(a)

    sections, used = [], set()
    for title, text in previous:
        match = next((i for i, (t, _text) in enumerate(fresh) if same(t, title)), None)
        if match is None:
            sections.append(text.rstrip("\n") + "\n")
        elif match not in used:
            used.add(match)
            sections.append(fresh[match][1].rstrip("\n") + "\n")
    sections += [text.rstrip("\n") + "\n" for i, (_t, text) in enumerate(fresh) if i not in used]
    return head.rstrip("\n") + "\n\n" + "\n".join(sections)


def city_report(city: dict, base: float, today: str) -> list[str]:
    levels = city["levels"]
    total_rows = sum(city["rows"].values())
    measured = [
        f"| {name} | {r['median']:.2f} | {r['p95']:.2f} | {r['median'] / base:.1f}x | {r['queries']} |"
        for name, r in city["measured"].items()
    ]
    return [
        f"## Demo city at {SCALE} scale ({today})",
        "",
        (
            f"`manage.py seed_demo --scale {SCALE} --seed 1` into the fresh benchmark database (no areas): "
            f"{levels[1]:,} districts, {levels[2]:,} streets, {levels[3]:,} communities, "
            f"{levels[4]:,} grids, {levels[5]:,} buildings. Wall time of the command, including the commit "
            "(target for metro: under 5 minutes on this two-core machine)."
        ),
        "",
        "| step | seconds |",
        "|---|---:|",
        f"| seed_demo --scale {SCALE} | {city['load']:.1f} |",
        f"| ANALYZE afterwards | {city['analyze']:.1f} |",
        "",
        "| rows written | count |",
        "|---|---:|",
        *(f"| {name} | {count:,} |" for name, count in city["rows"].items()),
        f"| (these together) | {total_rows:,} |",
        "",
        (
            f"Scoped reads of the street user (the demo login `street`, one street of {levels[2]:,}), "
            f"{REQUESTS} runs after {WARMUP} warm-up runs; target: median under 20 ms. Queryset rows "
            "evaluate `Area.objects.restrict(user)…` with the user's scope already loaded (as within one "
            "request); API rows go through Django's test client with a token, as other systems call it, and "
            "include loading the user's scope. Ratios are to "
            "the median of /healthz above."
        ),
        "",
        "| measurement | median ms | p95 ms | median vs /healthz | queries |",
        "|---|---:|---:|---:|---:|",
        *measured,
        "",
    ]


def cases_report(cases: dict, base: float, today: str) -> list[str]:
    million, sweep, latency = cases["million"], cases["sweep"], cases["latency"]
    rows = [
        f"| {name} | {r['median']:.2f} | {r['p95']:.2f} | {r['median'] / base:.1f}x | {r['queries']} |"
        for name, r in million["measured"].items()
    ]
    rate = sweep["deadlines"] / sweep["seconds"] if sweep["seconds"] else 0
    return [
        f"## Cases, deadlines and escalation ({today})",
        "",
        (
            f"{million['cases']:,} cases in the first district (loaded with SQL in "
            f"{million['load_seconds']:.0f} s; "
            "8% still open, the rest closed over the past year), then the street staff login `street`. "
            "Targets: the staff inbox page p95 under 100 ms, case creation through the API p95 under 50 ms, "
            "queries per page constant. Same method and ratios as above."
        ),
        "",
        "| request | median ms | p95 ms | median vs /healthz | queries |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
        (
            f"The sweep: {sweep['deadlines']:,} resolution limits of ordinary dispatch orders, all past due "
            "with no warning fired yet, swept by `apps.dispatch.deadlines.sweep()` in batches of 500 (each "
            "records the breach, a timeline entry, the fact on the order, and the notices to the "
            "department's handlers and the street's staff, digested). Target: under 60 s."
        ),
        "",
        "| deadlines | handled | seconds | per second | effects written | notices written | left due |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        (
            f"| {sweep['deadlines']:,} | {sweep['handled']:,} | {sweep['seconds']:.1f} | {rate:,.0f} | "
            f"{sweep['effects']:,} | {sweep['notices']:,} | {sweep['still_due']} |"
        ),
        "",
        (
            f"Escalation latency: {latency['whistles']} community emergency whistles whose 30-minute "
            "check-in limits fall due while a real Celery worker with beat runs (sweep every 30 s, "
            "the production setting); the delay from each due time to its escalation. Target: within 45 s."
        ),
        "",
        "| whistles | escalated | median delay s | max delay s | duplicates |",
        "|---:|---:|---:|---:|---:|",
        (
            f"| {latency['whistles']} | {latency['escalated']} | {_seconds(latency['median'])} | "
            f"{_seconds(latency['max'])} | {latency['duplicates']} |"
        ),
        "",
    ]


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    main()
