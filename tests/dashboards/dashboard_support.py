"""Figures for the dashboard tests, made through the real services and rolled up with `rollup_refresh`.

    facts = make_facts(city)

In the first street: a case resolved by the street's department on time, closed and rated satisfied;
a case settled in its grid; a case the street whistled for and which escalated to the district (the
department missed the 30-minute check-in); a case with a red card from the district command. In the
second street: one case reported and left open. Each street has a square boundary except the second
street's second community, so one child of the district-level map has none.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from apps.areas.models import Area
from apps.cases.choices import Channel, Rating
from apps.cases.models import Case
from apps.cases.services import (
    case_accept,
    case_close,
    case_handle_in_grid,
    case_rate,
    case_report,
    case_resolve_in_grid,
    case_verify,
)
from apps.dashboards.rollup import rollup_refresh
from apps.dispatch.choices import OrderKind, SupervisionLevel
from apps.dispatch.deadlines import sweep
from apps.dispatch.services import case_dispatch, order_accept, order_resolve, supervise, whistle_blow


@dataclass
class Facts:
    resolved: Case
    in_grid: Case
    escalated: Case
    red_card: Case
    elsewhere: Case


def square(x: float, y: float, size: float = 0.02) -> dict:
    corners = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [corners]}


def draw_boundaries(city) -> None:
    """Squares side by side: the streets, and within the first street its communities."""
    for n, street in enumerate(city.streets):
        Area.objects.filter(pk=street.pk).update(boundary=square(121.40 + 0.04 * n, 31.20, 0.04))
    for n, community in enumerate(city.communities[:3]):
        Area.objects.filter(pk=community.pk).update(boundary=square(121.40 + 0.02 * n, 31.20))


def report(city, building, title: str) -> Case:
    case, _created = case_report(
        actor=None,
        channel=Channel.GRID_WORKER,
        category=city.categories[1],
        area=building,
        title=title,
        description="楼道里堆满杂物，影响通行",
    )
    return case


def make_facts(city) -> Facts:
    street, command = city.users["street"], city.users["district"]
    first_street_buildings = city.buildings[:8]

    resolved = case_accept(case=report(city, first_street_buildings[0], "楼道堆物"), actor=street)
    order = case_dispatch(case=resolved, department=city.departments[1], actor=street)
    order_accept(order=order, actor=city.users["dept"])
    order_resolve(order=order, actor=city.users["dept"], account="已清理")
    resolved.refresh_from_db()
    resolved = case_verify(case=resolved, actor=city.users["community"], passed=True)
    resolved = case_close(case=resolved, actor=street)
    case_rate(case=resolved, rating=Rating.SATISFIED, actor=street)

    in_grid = case_accept(case=report(city, first_street_buildings[1], "路灯不亮"), actor=street)
    case_handle_in_grid(case=in_grid, actor=street)
    case_resolve_in_grid(case=in_grid, actor=city.users["gridworker"], account="已更换灯泡")

    escalated = case_accept(case=report(city, first_street_buildings[4], "下水道堵塞"), actor=street)
    whistle_blow(
        case=escalated,
        kind=OrderKind.EMERGENCY,
        departments=[city.departments[1]],
        actor=street,
        reason="需要部门到场",
    )
    sweep(now=timezone.now() + timedelta(minutes=31))

    red_card = case_accept(case=report(city, first_street_buildings[6], "占道经营"), actor=street)
    supervise(case=red_card, actor=command, level=SupervisionLevel.RED, note="限今日内处理")

    elsewhere = report(city, city.buildings[8], "违章搭建")
    rollup_refresh()
    return Facts(resolved, in_grid, escalated, red_card, elsewhere)


def embedded(response, name: str):
    """The JSON a page embeds in <script id=name type="application/json">."""
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', response.text, re.S)
    assert match, f"no {name} on the page"
    return json.loads(match.group(1))
