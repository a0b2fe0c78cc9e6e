"""Benchmarks of cases and the deadline engine (issue 4), called from bench/run.py.

- The sweep: 100,000 due deadlines (resolution limits of ordinary dispatch orders, each past its 50% and
  80% warnings and its due time, so each fires two warnings and a breach, with the timeline entries and
  notices to the department's handlers and the street's staff), swept by `deadlines.sweep()`.
- Escalation latency: a real Celery worker with beat (sweeping every 30 s, the production setting)
  against the benchmark database and Redis; community emergency whistles whose 30-minute check-in limits
  fall due while it runs; the time from each due time to its escalation.
- One district with a million cases (SQL INSERT … SELECT over generate_series, statuses and times spread
  like a year of work): case creation through the API and the street staff inbox page, p95 and queries.
"""

import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent


def _exec(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def load_cases(*, district_id: int, count: int, open_share: float = 0.08) -> float:
    """`count` cases spread over the district's buildings and the past year; returns seconds taken.
    A share `open_share` is still open (reported, accepted, handled in the grid or dispatched)."""
    start = time.perf_counter()
    _exec(
        """
        WITH b AS (
            SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
            FROM areas_area WHERE district_id = %(d)s AND level = 5
        ), c AS (
            SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
            FROM cases_category WHERE parent_id IS NOT NULL
        ), sizes AS (
            SELECT (SELECT count(*) FROM b) AS buildings, (SELECT count(*) FROM c) AS categories
        )
        INSERT INTO cases_case (
            district_id, street_id, community_id, grid_id, building_id, serial, channel, category_id,
            area_id, address, title, description, urgency, reporter_name, reporter_phone_encrypted,
            reporter_phone_hash, external_system, external_ref, idempotency_key, status, handled_in_grid,
            reopen_count, rating, rating_comment, follow_token, rating_token, created_at, accepted_at,
            closed_at, updated_at)
        SELECT a.district_id, a.street_id, a.community_id, a.grid_id, a.id,
               'B' || lpad(g::text, 12, '0'), 'grid_worker', c.id, a.id,
               '', '基准事件 ' || g, '基准数据', 'normal', '', '', '', '', '', '',
               CASE WHEN random() < %(open)s THEN
                   (ARRAY['reported','accepted','handling','dispatched'])[1 + (g %% 4)] ELSE 'closed' END,
               false, 0, '', '', 'bf' || g, 'br' || g, t.at, t.at, NULL, t.at
        FROM generate_series(1, %(n)s) AS g
        CROSS JOIN sizes
        -- g is referenced so that the time is drawn for each case: an uncorrelated LATERAL runs once.
        CROSS JOIN LATERAL (SELECT now() - (random() * interval '365 days') + g * interval '0' AS at) t
        JOIN b ON b.n = (g::bigint * 7919) %% sizes.buildings
        JOIN c ON c.n = g %% sizes.categories
        JOIN areas_area a ON a.id = b.id
        """,
        {"d": district_id, "n": count, "open": open_share},
    )
    _exec(
        "UPDATE cases_case SET closed_at = created_at + interval '3 days' "
        "WHERE status = 'closed' AND serial LIKE 'B%%'"
    )
    _exec("ANALYZE cases_case")
    return time.perf_counter() - start


def load_due_deadlines(*, count: int, department_id: int, area_id: int, policy_id: int) -> float:
    """`count` dispatched cases in the area, each with a pending order whose resolution limit has run out
    without any warning fired yet; returns seconds taken."""
    start = time.perf_counter()
    _exec(
        """
        INSERT INTO cases_case (
            district_id, street_id, community_id, grid_id, building_id, serial, channel, category_id,
            area_id, address, title, description, urgency, reporter_name, reporter_phone_encrypted,
            reporter_phone_hash,
            external_system, external_ref, idempotency_key, status, handled_in_grid, reopen_count, rating,
            rating_comment, follow_token, rating_token, created_at, accepted_at, dispatched_at,
            updated_at, lead_department_id)
        SELECT a.district_id, a.street_id, a.community_id, a.grid_id, a.building_id,
               'S' || lpad(g::text, 12, '0'),
               'grid_worker', (SELECT min(id) FROM cases_category WHERE parent_id IS NOT NULL), a.id, '',
               '超期事件 ' || g, '基准数据', 'normal', '', '', '', '', '', '', 'dispatched', false, 0, '', '',
               'sf' || g, 'sr' || g, now() - interval '10 days', now() - interval '10 days',
               now() - interval '10 days', now(), %(dep)s
        FROM generate_series(1, %(n)s) AS g JOIN areas_area a ON a.id = %(area)s
        """,
        {"n": count, "area": area_id, "dep": department_id},
    )
    _exec(
        """
        INSERT INTO dispatch_dispatchorder (
            district_id, street_id, community_id, grid_id, building_id, case_id, kind, department_id, is_lead,
            policy_id, dispatching_area_id, instructions, status, created_at, minutes_over, resolution,
            return_reason, suggested_owner, response_comment)
        SELECT c.district_id, c.street_id, c.community_id, c.grid_id, c.building_id, c.id, 'dispatch',
               %(dep)s,
               true, %(policy)s, c.street_id, '', 'accepted', c.created_at, 0, '', '', '', ''
        FROM cases_case c WHERE c.serial LIKE 'S%%'
        """,
        {"dep": department_id, "policy": policy_id},
    )
    _exec(
        """
        INSERT INTO dispatch_deadline (
            order_id, case_id, kind, policy_id, clock, minutes, started_at, due_at, provisional,
            warn_percents, warnings_fired, next_fire_at, state, counted_from, counted_minutes,
            extended_minutes)
        SELECT o.id, o.case_id, 'resolve', o.policy_id, 'around_the_clock', 1440, now() - interval '2 days',
               now() - interval '1 day', false, '[50, 80]'::jsonb, 0, now() - interval '36 hours', 'active',
               now() - interval '2 days', 0, 0
        FROM dispatch_dispatchorder o JOIN cases_case c ON c.id = o.case_id WHERE c.serial LIKE 'S%%'
        """
    )
    _exec("ANALYZE")
    return time.perf_counter() - start


def bench_sweep(count: int) -> dict:
    from apps.accounts.models import (
        RoleAssignment,
        User,
    )
    from apps.dispatch.choices import OrderKind
    from apps.dispatch.deadlines import sweep
    from apps.dispatch.models import Deadline, DeadlineEffect, SlaPolicy
    from apps.notifications.models import Notification

    dept_user = User.objects.get(username="dept")
    department_id = (
        RoleAssignment.objects.filter(user=dept_user).values_list("department_id", flat=True).first()
    )
    street = RoleAssignment.objects.get(user__username="street").area
    building_id = RoleAssignment.objects.get(user__username="building").area_id
    policy = SlaPolicy.objects.filter(kind=OrderKind.DISPATCH, is_active=True).first()
    load = load_due_deadlines(
        count=count, department_id=department_id, area_id=building_id, policy_id=policy.pk
    )
    notices_before = Notification.objects.count()
    start = time.perf_counter()
    handled = sweep()
    seconds = time.perf_counter() - start
    return {
        "deadlines": count,
        "load_seconds": load,
        "seconds": seconds,
        "handled": handled,
        "effects": DeadlineEffect.objects.count(),
        "still_due": Deadline.objects.filter(state="active", next_fire_at__lte=timezone.now()).count(),
        "notices": Notification.objects.count() - notices_before,
        "street": street.name,
    }


def bench_escalation_latency(*, whistles: int = 6, spread_seconds: int = 90) -> dict:
    """Community emergency whistles whose check-in limits fall due over `spread_seconds` while a worker
    with beat runs; the delay from each due time to its escalation."""
    from apps.accounts.models import (
        RoleAssignment,
        User,
    )
    from apps.cases.choices import Channel
    from apps.cases.models import Category
    from apps.cases.services import case_accept, case_report
    from apps.departments.models import Department
    from apps.dispatch.choices import DeadlineKind, OrderKind
    from apps.dispatch.deadlines import schedule
    from apps.dispatch.models import Deadline, Escalation
    from apps.dispatch.services import whistle_blow

    community_user = User.objects.get(username="community")
    community = RoleAssignment.objects.get(user=community_user).area
    building = community.__class__.objects.filter(community_id=community.pk, level=5).first()
    category = Category.objects.filter(parent__isnull=False).first()
    department = Department.objects.filter(served_areas__in=[community.street_id], is_active=True).first()
    dues = []
    now = timezone.now()
    for index in range(whistles):
        case, _created = case_report(
            actor=community_user,
            channel=Channel.GRID_WORKER,
            category=category,
            area=building,
            title=f"延迟测量 {index}",
            description="基准",
        )
        case_accept(case=case, actor=community_user)
        whistle = whistle_blow(
            case=case, kind=OrderKind.EMERGENCY, departments=[department], actor=community_user, reason="基准"
        )
        deadline = Deadline.objects.get(order__whistle=whistle, kind=DeadlineKind.ACCEPT)
        # The 30-minute limit started long enough ago that it falls due during the measurement.
        due = now + timedelta(seconds=20 + spread_seconds * index / max(whistles - 1, 1))
        deadline.counted_from = deadline.started_at = due - timedelta(minutes=deadline.minutes)
        schedule(deadline)
        deadline.save()
        dues.append((deadline.order_id, deadline.due_at))
    worker = _start_worker()
    try:
        deadline_at = time.monotonic() + spread_seconds + 180
        while time.monotonic() < deadline_at:
            if Escalation.objects.filter(order_id__in=[o for o, _d in dues]).count() == len(dues):
                break
            time.sleep(2)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    escalations = {
        e.order_id: e.created_at for e in Escalation.objects.filter(order_id__in=[o for o, _d in dues])
    }
    delays = sorted((escalations[o] - due).total_seconds() for o, due in dues if o in escalations)
    return {
        "whistles": whistles,
        "escalated": len(delays),
        "median": statistics.median(delays) if delays else None,
        "max": max(delays) if delays else None,
        "duplicates": Escalation.objects.filter(order_id__in=[o for o, _d in dues]).count()
        - len(escalations),
    }


def _start_worker() -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
    }
    log = open(ROOT / "var" / "bench-worker.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--beat",
            "--pool",
            "solo",
            "--queues",
            "deadlines,notifications,default",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
            "--schedule",
            str(ROOT / "var" / "bench-beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def bench_million(*, count: int, measure, measure_call) -> dict:
    """A district with `count` cases: the street staff inbox page and case creation through the API."""
    import itertools

    from django.test import Client

    from apps.accounts.models import RoleAssignment, User
    from apps.accounts.services import api_token_issue
    from apps.areas.models import Area
    from apps.cases.models import Case, Category

    user = User.objects.get(username="street")
    street = RoleAssignment.objects.get(user=user).area
    load = load_cases(district_id=street.district_id, count=count)
    total = Case.objects.filter(district_id=street.district_id).count()
    in_street = Case.objects.filter(street_id=street.pk).count()
    client = Client()
    client.force_login(user)
    measured = {
        f"GET /cases/ (street staff inbox, all tab, {in_street:,} cases in the street)": measure(
            client, "/cases/"
        ),
        "GET /cases/?bucket=to_accept": measure(client, "/cases/?bucket=to_accept"),
        "GET /cases/?bucket=overdue": measure(client, "/cases/?bucket=overdue"),
    }
    token = f"Token {api_token_issue(user=user).key}"
    building = Area.objects.filter(street_id=street.pk, level=5).order_by("code").first()
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    keys = itertools.count()

    def create():
        response = client.post(
            "/api/v1/cases/",
            {
                "channel": "grid_worker",
                "category": category.pk,
                "area": building.pk,
                "title": "基准上报",
                "description": "基准测量：楼道堆放杂物",
                "reporter_phone": "13800138000",
            },
            content_type="application/json",
            headers={"authorization": token, "idempotency-key": f"bench-{next(keys)}"},
        )
        assert response.status_code == 201, response.content
        return response

    measured["POST /api/v1/cases/ (token, new idempotency key each)"] = measure_call(create)
    return {"load_seconds": load, "cases": total, "measured": measured}
