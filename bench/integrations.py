"""Issue 7's figure: the 12345 hotline's intake under load, beside a trivial DRF endpoint, called from
bench/run.py (BENCH_ONLY=integrations).

- Data: a hotline client registered in the demo city's first district through the real services
  (client_register, key_issue), with code mappings for a few categories, streets and communities, and a
  rate limit high enough never to throttle the benchmark.
- Server: gunicorn serving config.wsgi on a free loopback port with bench/settings.py (the production
  settings, DEBUG off, cache and rate-limit counters on Redis, plus bench/urls.py's trivial endpoint),
  gthread worker class, 2 workers x 4 threads (see GUNICORN below).
- Load: a second process (this file run as a script: `python bench/integrations.py load '<spec>'`)
  with a new connection for each request (see KEEPALIVE), a fixed concurrency, a warm-up and then a
  fixed duration; it reports completed requests per second, median and p95 latency and every status.
  Any answer other than the one expected (200, or 202 for an order kept) fails the run.
- Rounds: trivial, /me/ and the intake, repeated, so that drift shows; the report gives the median of
  the rounds. No mapping worker runs during these: after each intake run the bench process maps what it
  received (services.orders_map, the worker's task), timed, as one worker process's mapping rate. Then
  the intake with a real Celery worker mapping beside it on the same machine (what one machine sustains
  end to end), and the intake and the trivial endpoint at concurrency 1, to show how each scales.
- Checks after the intake runs: cases created = 2xx intake answers once all is mapped, no serial with two
  cases (SQL), and the queries of one intake (counted once in process through the test client).
- While the load runs, the bench process samples PostgreSQL's wait events (lock waits would show there)
  and reads the CPU time of the gunicorn workers, the PostgreSQL backends, Redis and the load generator.

The load generator half of this file uses the standard library only, so that it runs without Django.
"""

import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TRIVIAL = "/bench/trivial/"
ME = "/api/v1/integrations/me/"
INTAKE = "/api/v1/hotline/orders/"
CLIENT_CODE = "bench-hotline"

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
WARMUP_SECONDS = float(os.environ.get("BENCH_LOAD_WARMUP", "5"))
CONCURRENCY = int(os.environ.get("BENCH_LOAD_CONCURRENCY", "8"))
ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "2"))
SINGLE_SECONDS = float(os.environ.get("BENCH_LOAD_SINGLE_SECONDS", "15"))
# Two cores: two worker processes, so that Python runs on both despite the GIL; four threads each, so
# that while one thread waits for PostgreSQL or Redis another runs. 2 x 4 = 8 = the load's concurrency,
# so no request waits for a free thread. (docker-compose.yml's 3 sync workers are the default deployment.)
GUNICORN = {"worker_class": "gthread", "workers": 2, "threads": 4, "timeout": 60}
# A new connection for each request, as nginx proxies to gunicorn by default (HTTP/1.0 upstream): with
# keep-alive, the burst of connections at the start lands on one gthread worker, which keeps them all,
# and the benchmark would measure one core. BENCH_LOAD_KEEPALIVE=1 to keep them anyway.
KEEPALIVE = os.environ.get("BENCH_LOAD_KEEPALIVE", "") == "1"
# What the TLS proxy in front of gunicorn adds to every request (README, deployment).
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


# --- The load generator: a process of its own, standard library only. ---------------------------------


def load(spec: dict) -> dict:  # noqa: PLR0915 - one closure, kept whole
    """Send `spec["method"] spec["path"]` from `concurrency` threads, each request on a new connection
    (or each thread on one keep-alive connection), for `warmup` seconds and then `seconds` more; figures
    of the requests completed in the second span,
    and the statuses of all."""
    port, path, method = spec["port"], spec["path"], spec["method"]
    headers = {"Accept": "application/json", "Host": "127.0.0.1", **PROXY_HEADERS, **spec.get("headers", {})}
    intake = spec.get("intake")
    keepalive = spec.get("keepalive", KEEPALIVE)
    if not keepalive:
        headers["Connection"] = "close"
    serials = itertools.count(1)
    if intake:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    measure_from = started + spec["warmup"]
    measure_to = measure_from + spec["seconds"]
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    failures: list[str] = []

    def body() -> bytes | None:
        if not intake:
            return None
        n = next(serials)  # itertools.count is atomic under the GIL
        payload = {
            **intake["template"],
            "serial": f"{intake['prefix']}-{n:08d}",
            "category_code": intake["category_codes"][n % len(intake["category_codes"])],
            "area_code": intake["area_codes"][n % len(intake["area_codes"])],
        }
        return json.dumps(payload, ensure_ascii=False).encode()

    def worker() -> None:
        mine, seen = [], {}
        connection = None
        while True:
            begin = time.perf_counter()
            if begin >= measure_to:
                break
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request(method, path, body=body(), headers=headers)
                response = connection.getresponse()
                content = response.read()
                status = response.status
                if response.will_close or not keepalive:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                status, content = 0, repr(exc).encode()
                if connection is not None:
                    connection.close()
                connection = None
            end = time.perf_counter()
            seen[status] = seen.get(status, 0) + 1
            if status not in spec["expect"] and len(failures) < 5:
                with lock:
                    failures.append(f"{status}: {content[:300].decode(errors='replace')}")
            if measure_from <= begin and end <= measure_to:
                mine.append((end - begin) * 1000)
        if connection is not None:
            connection.close()
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[str(status)] = statuses.get(str(status), 0) + count

    threads = [threading.Thread(target=worker) for _ in range(spec["concurrency"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    usage = os.times()
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / spec["seconds"],
        "median": statistics.median(latencies) if latencies else None,
        "p95": latencies[max(int(len(latencies) * 0.95) - 1, 0)] if latencies else None,
        "statuses": statuses,
        "sent": sum(statuses.values()),
        "ok": sum(count for status, count in statuses.items() if 200 <= int(status) < 300),
        "unexpected": sum(count for status, count in statuses.items() if int(status) not in spec["expect"]),
        "failures": failures,
        "cpu_seconds": usage.user + usage.system,
    }


# --- In the bench process: data, server, runs, checks, report. ----------------------------------------


def bench_data(*, district=None) -> dict:
    """The benchmark's hotline client in `district` (default: the first district), its key and code
    mappings for up to 6 categories, 4 streets and 8 communities."""
    from apps.areas.choices import AreaLevel
    from apps.areas.models import Area
    from apps.cases.models import Category
    from apps.hotline.choices import MappingKind
    from apps.hotline.models import CodeMapping
    from apps.integrations.scopes import KeyScope
    from apps.integrations.services import client_register, key_issue

    if district is None:
        district = Area.objects.filter(level=AreaLevel.DISTRICT, is_active=True).order_by("code").first()
    client = client_register(
        actor=None,
        name="基准热线",
        code=CLIENT_CODE,
        area=district,
        scopes=list(KeyScope.values),
        rate_limit=10_000_000,
        description="bench/integrations.py",
    )
    _key, raw = key_issue(actor=None, client=client)
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("code")[:6])
    streets = list(Area.objects.filter(parent=district, is_active=True).order_by("code")[:4])
    communities = list(Area.objects.filter(parent__in=streets, is_active=True).order_by("code")[:8])
    mappings = [
        CodeMapping(client=client, kind=MappingKind.CATEGORY, code=f"BC-{n:02d}", label=c.name, category=c)
        for n, c in enumerate(categories)
    ] + [
        CodeMapping(client=client, kind=MappingKind.AREA, code=f"BA-{n:02d}", label=a.name, area=a)
        for n, a in enumerate(streets + communities)
    ]
    CodeMapping.objects.bulk_create(mappings)
    assert categories, "the benchmark needs leaf categories"
    assert streets, "the benchmark needs a district with streets"
    return {
        "client": client,
        "key": raw,
        "district": district.name,
        "category_codes": [m.code for m in mappings if m.kind == MappingKind.CATEGORY],
        "area_codes": [m.code for m in mappings if m.kind == MappingKind.AREA],
        "streets": len(streets),
        "communities": len(communities),
    }


TEMPLATE = {
    "title": "基准工单",
    "description": "市民来电反映：小区南门垃圾三天未清运，气味较大，请尽快处理。",
    "address": "幸福路 88 号南门",
    "caller_name": "张先生",
    "caller_phone": "13800138000",
    "urgency": "normal",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _server_env() -> dict:
    """The environment of the benchmark's server and mapping worker: this process's database and Redis."""
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        # The keys were hashed, and phones encrypted, by this process: the server must use the same keys.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CELERY_RESULT_BACKEND", None)
    return env


def server_start(*, workers: int, threads: int, log_name: str = "bench-gunicorn") -> tuple:
    """gunicorn on a free loopback port against this process's database and Redis, once /healthz
    answers 200; returns (process, port)."""
    port = free_port()
    env = _server_env()
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / f"{log_name}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            GUNICORN["worker_class"],
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            str(GUNICORN["timeout"]),
            # As deployed (docker-compose.yml): an access log line per request.
            "--access-logfile",
            str(ROOT / "var" / f"{log_name}-access.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start: see var/{log_name}.log")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return process, port
        except OSError:
            pass
        time.sleep(0.2)
    server_stop(process)
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s: see var/{log_name}.log")


def mapper_start(log_name: str = "bench-mapper"):
    """One Celery worker process (solo pool) on the queue of the mapping task, as deployed; it takes the
    runs the deliveries queue (and any they queued while no worker ran)."""
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / f"{log_name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues",
            "default", "--without-mingle", "--without-gossip", "--loglevel", "WARNING",
        ],
        cwd=ROOT,
        env=_server_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def received_left(prefix: str = "") -> int:
    from apps.hotline.choices import OrderState
    from apps.hotline.models import HotlineOrder

    return HotlineOrder.objects.filter(state=OrderState.RECEIVED, serial__startswith=prefix).count()


def server_stop(process) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _cpu_ticks(pid: int, *, children: bool = False) -> int:
    """CPU ticks of the process; with `children`, also those of its children that have ended (a server's
    master reaps its workers or backends, so their time is not lost when they end)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    own = int(fields[11]) + int(fields[12])  # utime, stime
    return own + (int(fields[13]) + int(fields[14]) if children else 0)  # cutime, cstime


def _tree_ticks(pid: int) -> int:
    """CPU ticks of a server's master and all its children, running or ended."""
    return _cpu_ticks(pid, children=True) + sum(_cpu_ticks(child) for child in _children(pid))


def _postmaster_pid() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        directory = cursor.fetchone()[0]
    try:
        return int(Path(directory, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _redis_pids() -> list[int]:
    from django.conf import settings

    port = settings.REDIS_URL.rsplit(":", 1)[-1].split("/")[0]
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "redis-server" in command and f":{port}" in command:
                found.append(int(entry.name))
    return found


def _machine_busy() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def run_load(
    *,
    server,
    port: int,
    path: str,
    method: str = "GET",
    headers: dict | None = None,
    intake: dict | None = None,
    expect: tuple = (200,),
    concurrency: int,
    seconds: float,
    warmup: float,
) -> dict:
    """One run of the load generator in its own process, with PostgreSQL's wait events sampled and the
    CPU time of each party read while it runs."""
    from django.db import connection

    spec = {
        "keepalive": KEEPALIVE,
        "port": port,
        "path": path,
        "method": method,
        "headers": headers or {},
        "intake": intake,
        "expect": list(expect),
        "concurrency": concurrency,
        "seconds": seconds,
        "warmup": warmup,
    }
    generator = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "load", json.dumps(spec)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    time.sleep(warmup)
    workers = _children(server.pid)
    postmaster = _postmaster_pid()
    redis = _redis_pids()
    trees = {"gunicorn workers": [server.pid], "PostgreSQL": [postmaster] if postmaster else []}
    plain = {"Redis": redis}
    before = {pid: _tree_ticks(pid) for pids in trees.values() for pid in pids}
    before.update({pid: _cpu_ticks(pid) for pids in plain.values() for pid in pids})
    workers_before = {pid: _cpu_ticks(pid) for pid in workers}
    busy_before, total_before = _machine_busy()
    waits: dict[str, int] = {}
    samples = lock_samples = active = 0
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at and generator.poll() is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT wait_event_type, wait_event FROM pg_stat_activity "
                "WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            rows = cursor.fetchall()
        samples += 1
        active += len(rows)
        if any(kind == "Lock" for kind, _event in rows):
            lock_samples += 1
        for kind, event in rows:
            name = f"{kind}:{event}" if kind else "running"
            waits[name] = waits.get(name, 0) + 1
        time.sleep(0.02)
    ticks = os.sysconf("SC_CLK_TCK")
    elapsed = seconds
    cpu = {
        name: sum(_tree_ticks(pid) - before[pid] for pid in pids) / ticks / elapsed
        for name, pids in trees.items()
    }
    cpu.update(
        {
            name: sum(_cpu_ticks(pid) - before[pid] for pid in pids) / ticks / elapsed
            for name, pids in plain.items()
        }
    )
    per_worker = [(_cpu_ticks(pid) - workers_before[pid]) / ticks / elapsed for pid in workers]
    busy_after, total_after = _machine_busy()
    output, _errors = generator.communicate(timeout=seconds + warmup + 120)
    if generator.returncode != 0:
        raise RuntimeError(f"the load generator failed ({generator.returncode})")
    result = json.loads(output)
    cpu["load generator"] = result["cpu_seconds"] / (seconds + warmup)
    result.update(
        {
            "concurrency": concurrency,
            "cpu": cpu,
            "per_worker_cpu": per_worker,
            "machine_busy": (busy_after - busy_before) / max(total_after - total_before, 1),
            "pg_samples": samples,
            "pg_lock_samples": lock_samples,
            "pg_active_mean": active / samples if samples else 0,
            "pg_waits": dict(sorted(waits.items(), key=lambda item: -item[1])),
        }
    )
    return result


def intake_spec(data: dict, prefix: str) -> dict:
    return {
        "template": TEMPLATE,
        "prefix": prefix,
        "category_codes": data["category_codes"],
        "area_codes": data["area_codes"],
    }


def intake_checks(client) -> dict:
    """What the intake runs wrote: cases and orders of the benchmark's client, and serials with two cases."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case WHERE external_system = %s", [client.code])
        cases = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT external_ref FROM cases_case WHERE external_system = %s "
            "GROUP BY external_ref HAVING count(*) > 1) AS twice",
            [client.code],
        )
        twice = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE case_id IS NULL) FROM hotline_hotlineorder "
            "WHERE client_id = %s",
            [client.pk],
        )
        orders, without_case = cursor.fetchone()
    return {"cases": cases, "serials_twice": twice, "orders": orders, "orders_without_case": without_case}


def in_process(data: dict, *, runs: int = 50) -> dict:
    """The trivial endpoint, /me/ and one intake through Django's test client in this process (bench
    URLs, no network): queries (counted once) and the median time of `runs` calls, single-threaded, as the
    cost of each request."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    auth = {"authorization": f"Api-Key {data['key']}"}
    serials = itertools.count(1)
    spec = intake_spec(data, "INPROC")

    def intake():
        n = next(serials)
        payload = {
            **TEMPLATE,
            "serial": f"{spec['prefix']}-{n:08d}",
            "category_code": spec["category_codes"][n % len(spec["category_codes"])],
            "area_code": spec["area_codes"][n % len(spec["area_codes"])],
        }
        response = client.post(INTAKE, payload, content_type="application/json", headers=auth)
        assert response.status_code == 202, response.content

    def me():
        response = client.get(ME, headers=auth)
        assert response.status_code == 200, response.content

    def trivial():
        response = client.get(TRIVIAL)
        assert response.status_code == 200, response.content

    figures = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        for name, call in (("trivial", trivial), ("me", me), ("intake", intake)):
            for _ in range(10):
                call()
            with CaptureQueriesContext(connection) as captured:
                call()
            # Read now: the next request's request_started signal empties the connection's query log.
            queries = [query["sql"] for query in captured.captured_queries]
            timings = []
            for _ in range(runs):
                start = time.perf_counter()
                call()
                timings.append((time.perf_counter() - start) * 1000)
            figures[name] = {
                "queries": len(queries),
                "sql": queries,
                "median": statistics.median(timings),
                "calls": 11 + runs,
            }
    figures["mapping"] = drain()
    return figures


def drain() -> dict:
    """Map every received order in this process, as the worker's task does; its rate."""
    from apps.hotline.services import orders_map

    start = time.perf_counter()
    mapped = orders_map()
    seconds = time.perf_counter() - start
    return {"mapped": mapped, "seconds": seconds, "per_second": mapped / seconds if mapped else 0.0}


def bench_integrations() -> dict:
    data = bench_data()
    client = data["client"]
    inproc = in_process(data)
    server, port = server_start(workers=GUNICORN["workers"], threads=GUNICORN["threads"])
    key_headers = {"Authorization": f"Api-Key {data['key']}"}
    runs: dict[str, list[dict]] = {"trivial": [], "me": [], "intake": []}
    mapping: list[dict] = []
    single: dict[str, dict] = {}
    try:
        common = {"server": server, "port": port, "seconds": SECONDS, "warmup": WARMUP_SECONDS}
        for round_number in range(ROUNDS):
            runs["trivial"].append(run_load(path=TRIVIAL, concurrency=CONCURRENCY, **common))
            runs["me"].append(run_load(path=ME, headers=key_headers, concurrency=CONCURRENCY, **common))
            runs["intake"].append(
                run_load(
                    path=INTAKE,
                    method="POST",
                    headers=key_headers,
                    intake=intake_spec(data, f"LOAD{round_number}"),
                    expect=(202,),
                    concurrency=CONCURRENCY,
                    **common,
                )
            )
            mapping.append(drain())
            _progress(f"round {round_number + 1}", {name: r[-1] for name, r in runs.items()})
        alongside = _alongside(data, key_headers, common)
        common = {**common, "seconds": SINGLE_SECONDS}
        single["trivial"] = run_load(path=TRIVIAL, concurrency=1, **common)
        single["intake"] = run_load(
            path=INTAKE,
            method="POST",
            headers=key_headers,
            intake=intake_spec(data, "SINGLE"),
            expect=(202,),
            concurrency=1,
            **common,
        )
        drain()
        _progress("concurrency 1", single)
    finally:
        server_stop(server)
    checks = intake_checks(client)
    intake_ok = sum(r["ok"] for r in runs["intake"]) + single["intake"]["ok"] + alongside["intake"]["ok"]
    in_process_intakes = inproc["intake"]["calls"]
    checks["intake_2xx"] = intake_ok
    checks["in_process_intakes"] = in_process_intakes
    checks["received_left"] = received_left()
    result = {
        "data": {k: v for k, v in data.items() if k not in ("client", "key")},
        "in_process": inproc,
        "runs": runs,
        "mapping": mapping,
        "alongside": alongside,
        "single": single,
        "checks": checks,
        "gunicorn": {**GUNICORN, "port": port},
        "load": {
            "seconds": SECONDS,
            "warmup": WARMUP_SECONDS,
            "concurrency": CONCURRENCY,
            "rounds": ROUNDS,
            "keepalive": KEEPALIVE,
        },
    }
    every_run = [*(r for rs in runs.values() for r in rs), *single.values(), alongside["intake"]]
    unexpected = sum(r["unexpected"] for r in every_run)
    if unexpected:
        failures = [f for r in every_run for f in r["failures"]]
        raise RuntimeError(f"{unexpected} unexpected answers under load, e.g. {failures[:3]}")
    added_up = checks["cases"] == intake_ok + in_process_intakes
    if not added_up or checks["serials_twice"] or checks["received_left"]:
        raise RuntimeError(f"the intake's writes do not add up: {checks}")
    return result


DRAIN_TIMEOUT = float(os.environ.get("BENCH_DRAIN_TIMEOUT", "900"))


def _alongside(data: dict, key_headers: dict, common: dict) -> dict:
    """The intake while one Celery worker maps beside it on the same machine: the intake's figures, the
    orders mapped by the end of the load, and how long the worker took to map the rest."""
    mapper = mapper_start()
    try:
        time.sleep(5)  # the worker starts (and takes the runs queued while none ran)
        intake = run_load(
            path=INTAKE,
            method="POST",
            headers=key_headers,
            intake=intake_spec(data, "ALONG"),
            expect=(202,),
            **{"concurrency": CONCURRENCY, **common},
        )
        ended = time.perf_counter()
        backlog = received_left("ALONG")
        while received_left("ALONG") and time.perf_counter() - ended < DRAIN_TIMEOUT:
            time.sleep(0.5)
        drained = time.perf_counter() - ended
        left = received_left("ALONG")
    finally:
        server_stop(mapper)
    loaded = common["seconds"] + common["warmup"]
    return {
        "intake": intake,
        "backlog": backlog,
        "mapped_during": intake["ok"] - backlog,
        "loaded_seconds": loaded,
        "drain_seconds": drained,
        "left": left,
    }


def _progress(label: str, results: dict) -> None:
    parts = [f"{name} {r['per_second']:.0f}/s p95 {r['p95']:.1f} ms" for name, r in results.items()]
    sys.stderr.write(f"integrations {label}: {'; '.join(parts)}\n")
    sys.stderr.flush()


def summary(results: list[dict]) -> dict:
    """The median over the rounds of each figure."""
    return {
        "per_second": statistics.median(r["per_second"] for r in results),
        "median": statistics.median(r["median"] for r in results),
        "p95": statistics.median(r["p95"] for r in results),
        "unexpected": sum(r["unexpected"] for r in results),
        "rounds": [r["per_second"] for r in results],
        "cpu": {name: statistics.median(r["cpu"][name] for r in results) for name in results[0]["cpu"]},
        "machine_busy": statistics.median(r["machine_busy"] for r in results),
        "split": [
            statistics.median(sorted(r["per_worker_cpu"])[i] for r in results)
            for i in range(min(len(r["per_worker_cpu"]) for r in results))
        ],
    }


TARGET = 0.40


def integrations_report(result: dict, today: str) -> list[str]:
    runs = {name: summary(results) for name, results in result["runs"].items()}
    base = runs["trivial"]["per_second"]
    ratio = runs["intake"]["per_second"] / base
    load, gunicorn, checks, data = result["load"], result["gunicorn"], result["checks"], result["data"]
    inproc = result["in_process"]
    single = result["single"]
    names = {
        "trivial": f"GET {TRIVIAL} (DRF APIView, no authentication, no query)",
        "me": f"GET {ME} (API key, trivial)",
        "intake": f"POST {INTAKE} (API key, new serial each: kept, answered 202)",
    }
    unit = {"trivial": "requests", "me": "requests", "intake": "orders"}

    def row(name, r, label):
        return (
            f"| {label} | {r['per_second']:,.0f} {unit[name]}/s | {r['median']:.1f} | {r['p95']:.1f} | "
            f"{r['per_second'] / base:.0%} | {r['unexpected']} |"
        )

    rounds = "; ".join(f"{name} {', '.join(f'{v:,.0f}' for v in r['rounds'])}" for name, r in runs.items())
    verdict = (
        f"**Target met**: the intake sustains {ratio:.0%} of the trivial endpoint's throughput (target: at "
        f"least {TARGET:.0%})."
        if ratio >= TARGET
        else f"**Target not met**: the intake sustains {ratio:.0%} of the trivial endpoint's throughput "
        f"(target: at least {TARGET:.0%}); see what limits it below."
    )
    cpu_rows = [
        f"| {names_short} | "
        + " | ".join(f"{runs[name]['cpu'][party]:.0%}" for party in runs["trivial"]["cpu"])
        + f" | {runs[name]['machine_busy'] * 2:.0%} |"
        for name, names_short in (("trivial", "trivial"), ("me", "/me/"), ("intake", "intake"))
    ]
    intake_runs = result["runs"]["intake"]
    waits: dict[str, int] = {}
    for r in intake_runs:
        for event, count in r["pg_waits"].items():
            waits[event] = waits.get(event, 0) + count
    active = sum(waits.values()) or 1
    top_waits = ", ".join(f"{event} {count / active:.0%}" for event, count in list(waits.items())[:6])
    lock_samples = sum(r["pg_lock_samples"] for r in intake_runs)
    samples = sum(r["pg_samples"] for r in intake_runs)
    mean_active = statistics.median(r["pg_active_mean"] for r in intake_runs)
    single_ratio = single["intake"]["per_second"] / single["trivial"]["per_second"]
    cost_ratio = inproc["intake"]["median"] / inproc["trivial"]["median"]
    connections = (
        "each on one keep-alive connection"
        if load.get("keepalive")
        else "a new connection per request (as nginx proxies to gunicorn by default)"
    )
    answered = checks["intake_2xx"] + checks["in_process_intakes"]
    mapping = result["mapping"]
    map_rate = statistics.median(m["per_second"] for m in mapping)
    map_cost = statistics.median(m["seconds"] / m["mapped"] * 1000 for m in mapping if m["mapped"])
    along = result["alongside"]
    along_rate = along["intake"]["per_second"]
    mapped_rate = along["mapped_during"] / along["loaded_seconds"]
    inproc_map_cost = inproc["mapping"]["seconds"] * 1000 / max(inproc["mapping"]["mapped"], 1)
    left_note = f" (NOT all: {along['left']} left)" if along["left"] else ""
    return [
        f"## Integrations: hotline intake under load ({today})",
        "",
        (
            f"The 12345 hotline's intake served by gunicorn on loopback, loaded from a second process: "
            f"{load['concurrency']} threads in one Python process, "
            f"{connections}, "
            f"sending for {load['seconds']:.0f} s after a {load['warmup']:.0f} s warm-up; each order has a "
            f"new serial and codes that map (6 categories over {data['streets']} streets and "
            f"{data['communities']} communities of {data['district']}), so each becomes a case once mapped. "
            f"The intake keeps the order and answers 202; a Celery worker maps it into a case moments later "
            f"(docs/hotline.md). The three requests ran in turn, trivial, /me/, intake, {load['rounds']} "
            "times in the same run against the same server, with no mapping worker running; the table gives "
            "the median of the rounds. Throughput counts requests completed within the measured span; "
            "latency is as the load generator saw it."
        ),
        "",
        (
            f"Server: `gunicorn config.wsgi` with `DJANGO_SETTINGS_MODULE=bench.settings` (the production "
            f"settings, DEBUG off, cache and rate-limit counters on Redis, persistent database connections, "
            f"access log on; plus the trivial endpoint's URL), `--worker-class {gunicorn['worker_class']} "
            f"--workers {gunicorn['workers']} --threads {gunicorn['threads']} --timeout "
            f"{gunicorn['timeout']}`: two processes so that Python runs on both cores despite the GIL, four "
            f"threads each so that one runs while another waits for PostgreSQL or Redis, and "
            f"{gunicorn['workers'] * gunicorn['threads']} threads = the load's concurrency. The load "
            "generator sends the headers of the TLS proxy (X-Forwarded-Proto, X-Forwarded-For). PostgreSQL "
            "runs with fsync and synchronous_commit off (throwaway server), so commits cost no disk flush. "
            "Machine: see the first section; the load generator, gunicorn, PostgreSQL and Redis share its "
            "2 cores."
        ),
        "",
        "| request | orders or requests/s | median ms | p95 ms | vs trivial throughput | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
        *(row(name, runs[name], names[name]) for name in ("trivial", "me", "intake")),
        "",
        verdict,
        "",
        f"Throughput of each round (drift): {rounds}.",
        "",
        (
            f"Mapping (the worker's task, `orders_map`, run in the bench process after each intake run, "
            f"single-threaded): {map_rate:,.0f} orders/s, {map_cost:.1f} ms per order (median of the "
            "rounds; each order becomes a case: code tables, the area tree's shared locks, the case, its "
            f"timeline and time limits). In process: {inproc_map_cost:.1f} ms per order."
        ),
        "",
        (
            "End to end on this one machine: the intake loaded as above while one Celery worker process "
            "(solo pool) mapped beside gunicorn on the same two cores: intake "
            f"{along_rate:,.0f} orders/s ({along_rate / base:.0%} of the trivial endpoint's throughput "
            f"above; p95 {along['intake']['p95']:.1f} ms); the worker mapped {along['mapped_during']:,} "
            f"orders during the {along['loaded_seconds']:.0f} s of load ({mapped_rate:,.0f}/s), and the "
            f"{along['backlog']:,} left when the load ended were mapped {along['drain_seconds']:.0f} s "
            f"later{left_note}. A burst is taken in faster than one worker maps it: the backlog waits, "
            "received and answered, and is mapped oldest first."
        ),
        "",
        (
            f"Checks once everything was mapped: {checks['intake_2xx']:,} intake answers 202 under load plus "
            f"{checks['in_process_intakes']} in process; {checks['cases']:,} cases of the benchmark's "
            f"client ({'equal' if checks['cases'] == answered else 'NOT equal'}); "
            f"{checks['orders']:,} orders, {checks['orders_without_case']} without a case, "
            f"{checks.get('received_left', 0)} still received; serials with two cases: "
            f"{checks['serials_twice']}. Queries per request, counted once in process through "
            f"Django's test client: intake {inproc['intake']['queries']}, /me/ {inproc['me']['queries']}, "
            f"trivial {inproc['trivial']['queries']}."
        ),
        "",
        (
            "Where the time goes. CPU used during the measured span, as a share of one core (the machine "
            "has two: 200% is all of it; the last column is the whole machine, other work included):"
        ),
        "",
        "| run | " + " | ".join(runs["trivial"]["cpu"]) + " | machine |",
        "|---|" + "---:|" * (len(runs["trivial"]["cpu"]) + 1),
        *cpu_rows,
        "",
        (
            "CPU of the gunicorn workers per request: "
            + ", ".join(
                f"{label} {runs[name]['cpu']['gunicorn workers'] * 1000 / runs[name]['per_second']:.1f} ms"
                for name, label in (("trivial", "trivial"), ("me", "/me/"), ("intake", "intake"))
            )
            + ". CPU of each gunicorn worker (both should work): "
            + "; ".join(f"{name} {' / '.join(f'{v:.0%}' for v in runs[name]['split'])}" for name in runs)
            + "."
        ),
        "",
        (
            f"Single-threaded cost in process (median of 50 calls, no network): intake "
            f"{inproc['intake']['median']:.1f} ms, /me/ {inproc['me']['median']:.1f} ms, trivial "
            f"{inproc['trivial']['median']:.1f} ms. At concurrency 1 over "
            f"gunicorn: trivial {single['trivial']['per_second']:,.0f}/s (median "
            f"{single['trivial']['median']:.1f} ms), intake {single['intake']['per_second']:,.0f}/s (median "
            f"{single['intake']['median']:.1f} ms), ratio {single_ratio:.0%}; at concurrency "
            f"{load['concurrency']}, ratio {ratio:.0%}."
        ),
        "",
        (
            f"Lock waits: PostgreSQL's active backends were sampled every 20 ms during the intake runs "
            f"({samples:,} samples, on average {mean_active:.1f} active at once); a backend waited on a "
            f"heavyweight lock in {lock_samples:,} of them ({lock_samples / max(samples, 1):.1%}). Active "
            f"backends by wait event: {top_waits}. In process, an intake costs about {cost_ratio:.0f}x the "
            f"trivial endpoint."
        ),
        "",
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "load":
        sys.stdout.write(json.dumps(load(json.loads(sys.argv[2]))))
    else:
        sys.exit("usage: integrations.py load '<spec as JSON>'")
