"""Smoke test of the integrations benchmark (bench/integrations.py), so that its harness cannot rot: a
real gunicorn with the benchmark's settings on the test database, loaded for two seconds at concurrency
2 from a second process. It writes no report."""

import pytest

from apps.cases.models import Case
from bench import integrations as bench
from tests.builders import build_city

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_load_step_runs_against_a_real_gunicorn():
    city = build_city()
    data = bench.bench_data(district=city.district)
    server, port = bench.server_start(workers=1, threads=2, log_name="test-bench-gunicorn")
    key = {"Authorization": f"Api-Key {data['key']}"}
    common = {"server": server, "port": port, "concurrency": 2, "seconds": 2, "warmup": 0.5}
    try:
        trivial = bench.run_load(path=bench.TRIVIAL, **common)
        me = bench.run_load(path=bench.ME, headers=key, **common)
        intake = bench.run_load(
            path=bench.INTAKE,
            method="POST",
            headers=key,
            intake=bench.intake_spec(data, "SMOKE"),
            expect=(202,),
            **common,
        )
        assert bench.received_left("SMOKE") == intake["ok"]
        mapping = bench.drain()
        alongside = bench._alongside(data, key, {**common, "seconds": 2, "warmup": 0.5})
    finally:
        bench.server_stop(server)
    assert mapping["mapped"] == intake["ok"]
    assert alongside["left"] == 0, alongside
    assert alongside["intake"]["unexpected"] == 0, alongside["intake"]["failures"]
    for result in (trivial, me, intake):
        assert result["unexpected"] == 0, result["failures"]
        assert result["requests"] > 0
        assert result["median"] <= result["p95"]
    checks = bench.intake_checks(data["client"])
    answered = intake["ok"] + alongside["intake"]["ok"]
    assert checks["cases"] == answered == checks["orders"] > 0
    assert checks["serials_twice"] == 0
    assert Case.objects.filter(external_system=bench.CLIENT_CODE, channel="hotline").count() == answered
    report = bench.integrations_report(
        {
            "data": {k: v for k, v in data.items() if k not in ("client", "key")},
            "in_process": {
                **{name: {"queries": 1, "median": 1.0, "calls": 0} for name in ("trivial", "me", "intake")},
                "mapping": mapping,
            },
            "runs": {"trivial": [trivial], "me": [me], "intake": [intake]},
            "mapping": [mapping],
            "alongside": alongside,
            "single": {"trivial": trivial, "intake": intake},
            "checks": {**checks, "intake_2xx": answered, "in_process_intakes": 0, "received_left": 0},
            "gunicorn": bench.GUNICORN,
            "load": {"seconds": 2, "warmup": 0.5, "concurrency": 2, "rounds": 1},
        },
        "today",
    )
    assert report[0].startswith("## Integrations: hotline intake under load")
