"""Benchmarks of households, residents and visits (issue 5), called from bench/run.py after the metro city.

- Ten million households over the metro city's 300,000 buildings (each building's share of the figure),
  written by one INSERT … SELECT over generate_series (no row passes through Python), with the table's
  indexes and foreign keys set aside and rebuilt afterwards. Ancestors are copied from the building, the
  kind and a rental's risk colour drawn, and the visit plan, interval and next due day set as the schedule
  would (due days spread over the past and next 90 days).
- Residents for the first district (the street staff and grid worker logins work there), one to four per
  lived-in household, with names drawn in SQL; the first street's residents get real tokens, keyed hashes
  and masks of valid fictional ID numbers and phones (`services.protect`), the rest a token-sized
  placeholder with a unique hash.
- The grid worker's "today" page and household search by a name and by an address fragment for a street
  staff user and a grid worker: p50/p95 and queries, and EXPLAIN ANALYZE of each page's slowest query.

Run alone (`python bench/people.py`, against DATABASE_URL's server) it loads the metro city into a fresh
test database, then the above, and prints the figures and plans.
"""

import datetime
import io
import os
import random
import time
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "10000000"))


def _exec(sql: str, params: dict | list | tuple = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@contextmanager
def _indexes_set_aside(model):
    """Drop the table's secondary indexes and unique constraints for a bulk load and build them again
    afterwards (the primary key stays): each is then one sort instead of millions of insertions."""
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
            [table],
        )
        uniques = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in uniques:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in uniques:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("RESET maintenance_work_mem")


def load_households(total: int = HOUSEHOLDS) -> dict:
    """`total` households shared among all buildings by their household figures; returns timings."""
    from apps.core.demo_city.load import _foreign_keys_set_aside
    from apps.residents.models import Household, RiskRule
    from apps.visits.models import VisitPlan

    rules = {rule.colour: rule.pk for rule in RiskRule.objects.all()}
    plans = {
        (plan.household_kind, plan.risk_colour): plan
        for plan in VisitPlan.objects.filter(is_active=True, care_tag=None)
    }
    every = plans[("", "")]
    params = {
        "total": total,
        "green": rules["green"],
        "yellow": rules["yellow"],
        "orange": rules["orange"],
        "red": rules["red"],
        "every": every.pk,
        "every_days": every.interval_days,
    }
    for colour in ("yellow", "orange", "red"):
        plan = plans.get(("rented", colour), every)
        params[f"{colour}_plan"], params[f"{colour}_days"] = plan.pk, plan.interval_days
    params["filled"] = list(Household.objects.values_list("building_id", flat=True).distinct())
    started = time.perf_counter()
    with _foreign_keys_set_aside([Household]), _indexes_set_aside(Household):
        rows = _exec(
            """
            WITH b AS (
                SELECT a.id, a.name, a.district_id, a.street_id, a.community_id, a.grid_id,
                       sum(a.households) OVER (ORDER BY a.id) AS upto, a.households
                FROM areas_area a
                -- Buildings filled before (by the import benchmark) keep what they hold.
                WHERE a.level = 5 AND NOT (a.id = ANY(%(filled)s::bigint[]))
            ), share AS (
                SELECT b.*, %(total)s::numeric / (SELECT sum(households) FROM b) AS f FROM b
            ), n AS (
                SELECT share.*, (floor(upto * f) - floor((upto - households) * f))::int AS n FROM share
            )
            INSERT INTO residents_household (
                district_id, street_id, community_id, grid_id, building_id, unit, floor, room, address,
                kind, risk_colour, risk_rule_id, risk_set_at, notes, is_active, last_visited_at,
                visit_plan_id, visit_interval_days, visit_due_on, created_at, updated_at)
            SELECT n.district_id, n.street_id, n.community_id, n.grid_id, n.id,
                   u.unit::text, u.floor, u.room::text,
                   replace(replace(c.name, '社区', ''), '村', '')
                   || n.name || u.unit || '单元' || u.room || '室',
                   k.kind, k.colour,
                   CASE k.colour WHEN 'green' THEN %(green)s WHEN 'yellow' THEN %(yellow)s
                        WHEN 'orange' THEN %(orange)s WHEN 'red' THEN %(red)s END,
                   CASE WHEN k.colour <> '' THEN now() - interval '200 days' END,
                   '', true, (u.due - p.days)::timestamptz + interval '10 hours',
                   p.plan, p.days, u.due, now() - interval '400 days', now()
            FROM n
            JOIN areas_area c ON c.id = n.community_id
            CROSS JOIN LATERAL generate_series(1, n.n) g
            CROSS JOIN LATERAL (
                SELECT (g - 1) / 24 + 1 AS unit, (g - 1) %% 24 / 2 + 1 AS floor,
                       ((g - 1) %% 24 / 2 + 1) * 100 + (g - 1) %% 2 + 1 AS room,
                       random() AS r, random() AS x,
                       -- Drawn here, where g is referenced: an uncorrelated LATERAL runs once.
                       current_date + (random() * 180)::int - 90 AS due
            ) u
            CROSS JOIN LATERAL (
                SELECT CASE WHEN u.r < 0.66 THEN 'owner_occupied' WHEN u.r < 0.88 THEN 'rented'
                            WHEN u.r < 0.97 THEN 'vacant' ELSE 'shop' END AS kind,
                       CASE WHEN u.r < 0.66 OR u.r >= 0.88 THEN ''
                            WHEN u.x < 0.45 THEN 'green' WHEN u.x < 0.7 THEN 'yellow'
                            WHEN u.x < 0.84 THEN 'orange' WHEN u.x < 0.9 THEN 'red' ELSE '' END AS colour
            ) k
            CROSS JOIN LATERAL (
                SELECT CASE k.colour WHEN 'yellow' THEN %(yellow_plan)s WHEN 'orange' THEN %(orange_plan)s
                            WHEN 'red' THEN %(red_plan)s ELSE %(every)s END AS plan,
                       CASE k.colour WHEN 'yellow' THEN %(yellow_days)s WHEN 'orange' THEN %(orange_days)s
                            WHEN 'red' THEN %(red_days)s ELSE %(every_days)s END AS days
            ) p
            """,
            params,
        )
        inserted = time.perf_counter()
    done = time.perf_counter()
    _exec("ANALYZE residents_household")
    return {
        "households": rows,
        "insert_seconds": inserted - started,
        "index_seconds": done - inserted,
        "seconds": time.perf_counter() - started,
    }


def load_residents(*, district_id: int, street_id: int) -> dict:
    """One to four residents in each lived-in household of the district, names drawn in SQL; the
    street's residents then get real protected numbers."""
    from apps.core.demo_city.load import _foreign_keys_set_aside
    from apps.core.demo_city.vocabulary import GIVEN, SURNAMES
    from apps.residents.models import Resident

    started = time.perf_counter()
    # A token of the real length (a Fernet token of an 18-character number) for the placeholders.
    placeholder = "g" * 120
    with _foreign_keys_set_aside([Resident]), _indexes_set_aside(Resident):
        rows = _exec(
            """
            INSERT INTO residents_resident (
                district_id, street_id, community_id, grid_id, building_id, household_id, name, gender,
                birth_year, id_number_encrypted, id_number_hash, id_number_mask, phone_encrypted, phone_hash,
                phone_mask, relation, residence, party_member_id, is_active, moved_out_at, created_at,
                updated_at)
            SELECT h.district_id, h.street_id, h.community_id, h.grid_id, h.building_id, h.id,
                   substr(%(surnames)s, 1 + floor(random() * %(ns)s)::int, 1)
                   || substr(%(given)s, 1 + floor(random() * %(ng)s)::int, 1)
                   || CASE WHEN random() < 0.7
                           THEN substr(%(given)s, 1 + floor(random() * %(ng)s)::int, 1) ELSE '' END,
                   CASE WHEN random() < 0.5 THEN 'male' ELSE 'female' END,
                   1940 + floor(random() * 80)::int,
                   %(token)s, encode(sha256(('bench-id-' || h.id || '-' || g)::bytea), 'hex'),
                   '319901********' || lpad((h.id %% 10000)::text, 4, '0'),
                   %(token)s, encode(sha256(('bench-phone-' || h.id || '-' || g)::bytea), 'hex'),
                   '138****' || lpad((h.id %% 10000)::text, 4, '0'),
                   CASE WHEN g = 1 THEN 'head' WHEN g = 2 THEN 'spouse' ELSE 'child' END,
                   CASE WHEN h.kind = 'rented' THEN 'floating' ELSE 'registered' END,
                   NULL, true, NULL, h.created_at, now()
            FROM residents_household h
            CROSS JOIN LATERAL generate_series(1, 1 + (h.id %% 4)::int) g
            WHERE h.district_id = %(district)s AND h.kind <> 'vacant'
            """,
            {
                "surnames": SURNAMES,
                "ns": len(SURNAMES),
                "given": GIVEN,
                "ng": len(GIVEN),
                "token": placeholder,
                "district": district_id,
            },
        )
        inserted = time.perf_counter()
        protected = _protect_street(street_id, placeholder)
        tokens = time.perf_counter()
    _exec("ANALYZE residents_resident")
    return {
        "residents": rows,
        "protected": protected,
        "insert_seconds": inserted - started,
        "token_seconds": tokens - inserted,
        "seconds": time.perf_counter() - started,
    }


def _protect_street(street_id: int, placeholder: str) -> int:
    """Real protected numbers (valid fictional ID numbers, phones) for the street's residents loaded
    with the placeholder, written through a temporary table."""
    from types import SimpleNamespace

    from apps.residents.identity import make_id_number
    from apps.residents.services import protect

    rng = random.Random(5)  # noqa: S311 - made-up benchmark data
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, gender, birth_year FROM residents_resident "
            "WHERE street_id = %s AND id_number_encrypted = %s ORDER BY id",
            [street_id, placeholder],
        )
        residents = cursor.fetchall()
        cursor.execute(
            "CREATE TEMP TABLE bench_numbers (id bigint, ie text, ih varchar(64), im varchar(18), pe text, "
            "ph varchar(64), pm varchar(20)) ON COMMIT DROP"
        )
        used: dict = {}
        with cursor.cursor.copy("COPY bench_numbers FROM STDIN") as copy:
            for pk, gender, year in residents:
                male = gender == "male"
                born = datetime.date(year, 1 + pk % 12, 1 + pk // 12 % 28)
                while used.get((born, male), 0) >= 500:
                    born += datetime.timedelta(days=1)
                sequence = used[born, male] = used.get((born, male), 0) + 1
                numbers = SimpleNamespace()
                phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
                protect(
                    numbers, id_number=make_id_number("319901", born, sequence - 1, male=male), phone=phone
                )
                copy.write_row(
                    (
                        pk,
                        numbers.id_number_encrypted,
                        numbers.id_number_hash,
                        numbers.id_number_mask,
                        numbers.phone_encrypted,
                        numbers.phone_hash,
                        numbers.phone_mask,
                    )
                )
        cursor.execute(
            "UPDATE residents_resident r SET id_number_encrypted = n.ie, id_number_hash = n.ih, "
            "id_number_mask = n.im, phone_encrypted = n.pe, phone_hash = n.ph, phone_mask = n.pm "
            "FROM bench_numbers n WHERE r.id = n.id"
        )
    return len(residents)


def explain_slowest(client, path: str, *, keep: int = 2) -> list[tuple[float, str, str]]:
    """The page's slowest queries: (ms, SQL, EXPLAIN ANALYZE plan). The statements are caught with their
    parameters (with server-side binding the logged SQL holds placeholders)."""
    caught = []

    def catch(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            caught.append(((time.perf_counter() - start) * 1000, sql, params))

    with connection.execute_wrapper(catch):
        client.get(path)
    plans = []
    with connection.cursor() as cursor:
        for ms, sql, params in sorted(caught, key=lambda query: -query[0])[:keep]:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plans.append(
                (ms, sql % tuple(repr(p) for p in params or ()), "\n".join(r[0] for r in cursor.fetchall()))
            )
    return plans


def bench_people(*, measure) -> dict:
    """Load the households and residents, then measure the pages."""
    from django.test import Client

    from apps.accounts.models import RoleAssignment, User
    from apps.residents.models import Household, Resident

    households = load_households()
    street_user = User.objects.get(username="street")
    worker = User.objects.get(username="gridworker")
    street = RoleAssignment.objects.get(user=street_user).area
    grid = RoleAssignment.objects.get(user=worker).area
    residents = load_residents(district_id=street.district_id, street_id=street.pk)

    name = Resident.objects.filter(grid_id=grid.pk).order_by("pk").values_list("name", flat=True).first()
    fragment = name[:2]
    building = Household.objects.filter(grid_id=grid.pk).select_related("building").first().building
    address = f"{building.name}1单元"
    pages = {
        "worker": [
            ("GET /visits/today/ (grid worker)", "/visits/today/"),
            (f"GET /households/?q={fragment} (grid worker, name fragment)", f"/households/?q={fragment}"),
            (f"GET /households/?q={address} (grid worker, address fragment)", f"/households/?q={address}"),
        ],
        "street": [
            (f"GET /households/?q={fragment} (street staff, name fragment)", f"/households/?q={fragment}"),
            (f"GET /households/?q={address} (street staff, address fragment)", f"/households/?q={address}"),
        ],
    }
    clients = {"worker": Client(), "street": Client()}
    clients["worker"].force_login(worker)
    clients["street"].force_login(street_user)
    measured, plans = {}, {}
    for who, rows in pages.items():
        for label, path in rows:
            result = _measure_capped(measure, clients[who], path)
            measured[label if "runs" not in result else f"{label} ({result['runs']} runs only)"] = result
            plans[label] = explain_slowest(clients[who], path)
    return {
        "households": households,
        "residents": residents,
        "in_grid": Household.objects.filter(grid_id=grid.pk).count(),
        "due_in_grid": Household.objects.filter(
            grid_id=grid.pk, visit_due_on__lte=timezone.localdate()
        ).count(),
        "in_street": Household.objects.filter(street_id=street.pk).count(),
        "measured": measured,
        "plans": plans,
    }


def _measure_capped(measure, client, path: str, *, slow_ms: float = 1000, runs: int = 10) -> dict:
    """`measure`, unless one request takes over `slow_ms`: then `runs` requests only, so that a page that
    is far off its target cannot hold the whole benchmark up for half an hour."""
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = len(captured.captured_queries)
    if (time.perf_counter() - start) * 1000 < slow_ms:
        return measure(client, path)
    timings = []
    for _run in range(runs):
        start = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {"median": timings[len(timings) // 2], "p95": timings[-1], "queries": queries, "runs": runs}


def people_report(people: dict, base: float, today: str) -> list[str]:
    households, residents = people["households"], people["residents"]
    rows = [
        f"| {name} | {r['median']:.2f} | {r['p95']:.2f} | {r['median'] / base:.1f}x | {r['queries']} |"
        for name, r in people["measured"].items()
    ]
    return [
        f"## Households, residents and visits ({today})",
        "",
        (
            f"{households['households']:,} households over the city's buildings, loaded with SQL in "
            f"{households['seconds']:.0f} s ({households['insert_seconds']:.0f} s writing, "
            f"{households['index_seconds']:.0f} s rebuilding indexes and keys); {residents['residents']:,} "
            f"residents in the first district in {residents['seconds']:.0f} s, of which "
            f"{residents['protected']:,} (the first street) carry real encrypted numbers, keyed hashes and "
            f"masks. The grid worker's grid holds {people['in_grid']:,} households "
            f"({people['due_in_grid']:,} due), the street {people['in_street']:,}. Targets: the grid "
            "worker's today page p95 under 100 ms, household search p95 under 150 ms."
        ),
        "",
        "| request | median ms | p95 ms | median vs /healthz | queries |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
    ]


def main() -> None:
    """Alone: the metro city and the above in a fresh test database; figures and plans on stdout."""
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from bench.run import SCALE, measure

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        call_command("seed_demo", scale=SCALE, seed=1, cases=0, people=False, stdout=io.StringIO())
        print(f"{SCALE} city: {time.perf_counter() - started:.1f} s", flush=True)
        _exec("ANALYZE")
        people = bench_people(measure=measure)
        for line in people_report(people, 1.0, "now"):
            print(line)
        for label, plans in people["plans"].items():
            print(f"\n### {label}")
            for ms, sql, plan in plans:
                print(f"-- {ms:.1f} ms: {sql[:600]}\n{plan}\n")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
