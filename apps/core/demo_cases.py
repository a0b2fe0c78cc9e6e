"""Demo cases: a few weeks of the demo city's work, replayed through the real services.

The services read the time from `django.utils.timezone.now`; the replay moves that clock forward
(`simulated_clock`) so that every fact, timeline entry and deadline is written at the moment it would have
happened, and the deadline sweep runs at those moments too. What lands is exactly what the services would
have written had the weeks been real: reported, rejected, in the grid, dispatched, whistled, overdue,
escalated, resolved, verified, closed, rated and reopened cases, so that every inbox has something in it.
"""

import heapq
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.cases import services as cases
from apps.cases.choices import Channel, HandlingLevel, Rating, Urgency
from apps.cases.models import Case, Category, RoutingRule
from apps.departments.models import Department
from apps.dispatch import services as dispatch
from apps.dispatch.choices import OrderKind, OrderStatus
from apps.dispatch.deadlines import sweep

DETAILS = {
    "01": ["双方多次争执，需要上门调解", "矛盾持续两周，居民情绪较大", "当事人希望社区出面协调"],
    "02": ["存在明显安全隐患，需尽快处置", "楼道内堆放杂物，堵塞消防通道", "居民反映有异味，担心出事"],
    "03": ["已持续多日，影响周边居民生活", "夜间尤其严重，居民多次投诉", "气味较大，夏季蚊蝇滋生"],
    "04": ["物业答复迟缓，居民不满", "设施损坏已一周无人维修", "老人出行受影响"],
    "05": ["占用人行道，影响通行", "新出现的问题，需及时制止", "周末和傍晚较为集中"],
    "06": ["居民发现后报告网格员", "近期多次出现，需加强巡查", "已提醒居民提高警惕"],
    "07": ["独居老人需要帮助", "家庭困难，申请协助办理", "居民咨询办理流程"],
    "08": ["疫情防控期间需要跟进", "需协调物资和人员", "请社区尽快核实"],
}

# How the demo's cases come in; cases of council resolutions come from the councils' demo.
CHANNEL_WEIGHTS = {
    Channel.RESIDENT: 30,
    Channel.GRID_WORKER: 40,
    Channel.VISIT: 10,
    Channel.HOTLINE: 15,
    Channel.SYSTEM: 5,
}


NEVER = 24 * 365  # hours: a step drawn this late falls after the replay ends, so it never happens


@contextmanager
def simulated_clock(start: datetime) -> Iterator[dict]:
    """Point `django.utils.timezone.now` at a clock the replay moves forward; restored afterwards."""
    state = {"now": start}
    original = timezone.now
    timezone.now = lambda: state["now"]
    try:
        yield state
    finally:
        timezone.now = original


@dataclass(order=True)
class Step:
    at: datetime
    seq: int
    case_index: int = field(compare=False)
    name: str = field(compare=False)


@dataclass
class Plan:
    """What will happen to one case, decided up front from the random generator."""

    area: Area
    category: Category
    street_actor: User | None
    community_actor: User | None
    route: str  # "grid", "dispatch", "whistle", "reject", "none"
    whistle_kind: str = OrderKind.QUICK
    departments: list = field(default_factory=list)
    signs: bool = True
    resolves: bool = True
    rating: str = Rating.SATISFIED
    suspend: bool = False
    case: Case | None = None


def routing_rules_seed() -> int:
    """A rule per street and category for the street's department that handles it; small neighbour
    disputes stay in the grid everywhere. Existing rules are kept."""
    if RoutingRule.objects.exists():
        return 0
    rules = []
    for category in Category.objects.filter(parent__isnull=False, is_active=True):
        if category.code.startswith("01"):
            rules.append(
                RoutingRule(category=category, handling_level=HandlingLevel.GRID, note="小事不出网格")
            )
    handled = Department.categories.through.objects.select_related("department", "category")
    for link in handled.filter(department__level=AreaLevel.STREET, department__is_active=True):
        for child in link.category.children.all() or [link.category]:
            if child.code.startswith("01"):
                continue
            rules.append(
                RoutingRule(
                    category=child,
                    area_id=link.department.area_id,
                    handling_level=HandlingLevel.DEPARTMENT,
                    department=link.department,
                )
            )
    unique = {(rule.category_id, rule.area_id): rule for rule in rules}
    RoutingRule.objects.bulk_create(unique.values())
    return len(unique)


@transaction.atomic
def demo_cases_seed(*, count: int = 300, seed: int = 1, days: int = 21) -> int:
    """Replay `days` of work on `count` cases in the first district; 60% fall in the first street so that
    the demo logins' inboxes are full. Does nothing when cases exist. Returns the cases written."""
    if Case.objects.exists():
        return 0
    district = Area.objects.filter(level=AreaLevel.DISTRICT, is_active=True).order_by("code").first()
    if district is None:
        return 0
    routing_rules_seed()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible from the seed
    users = {
        user.username: user for user in User.objects.filter(username__in=["street", "community", "dept"])
    }
    now = timezone.now()
    start = now - timedelta(days=days)
    plans, steps = _plan(count=count, rng=rng, start=start, now=now, users=users, district=district)
    heapq.heapify(steps)
    written = 0
    with simulated_clock(start) as clock:
        last_sweep = start
        while steps:
            step = heapq.heappop(steps)
            if step.at - last_sweep > timedelta(minutes=30):
                clock["now"] = step.at
                sweep(now=step.at)
                last_sweep = step.at
            clock["now"] = step.at
            plan = plans[step.case_index]
            try:
                with transaction.atomic():
                    written += _act(plan, step.name, rng, users)
            except ValidationError:
                # A move the case no longer allows (it escalated, or was returned): the replay goes on.
                continue
        clock["now"] = now
        sweep(now=now)
    return written


def _plan(*, count: int, rng: random.Random, start: datetime, now: datetime, users: dict, district: Area):
    """Each case's fate and the times of its steps; steps that would fall after now are left out."""
    first_street = Area.objects.filter(parent=district, is_active=True).order_by("code").first()
    first_community = Area.objects.filter(parent=first_street, is_active=True).order_by("code").first()
    buildings = list(Area.objects.filter(district=district, level=AreaLevel.BUILDING, is_active=True))
    home = [b for b in buildings if b.street_id == first_street.pk]
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent"))
    departments = list(
        Department.objects.filter(district=district, is_active=True).prefetch_related("served_areas")
    )
    served = {d.pk: {a.pk for a in d.served_areas.all()} for d in departments}

    def serving(area: Area) -> list[Department]:
        chain = {*area.ancestor_ids, area.pk}
        return [d for d in departments if served[d.pk] & chain]

    plans: list[Plan] = []
    steps: list[Step] = []
    for index in range(count):
        area = rng.choice(home if rng.random() < 0.6 and home else buildings)
        in_first_community = first_community and area.community_id == first_community.pk
        plan = Plan(
            area=area,
            category=rng.choice(categories),
            street_actor=users.get("street") if area.street_id == first_street.pk else None,
            community_actor=users.get("community") if in_first_community else None,
            route=rng.choices(["grid", "dispatch", "whistle", "reject", "none"], [25, 45, 18, 5, 7])[0],
            whistle_kind=rng.choices([OrderKind.QUICK, OrderKind.JOINT, OrderKind.EMERGENCY], [5, 3, 2])[0],
            signs=rng.random() < 0.85,
            resolves=rng.random() < 0.8,
            rating=rng.choices(list(Rating.values), [70, 20, 10])[0],
            suspend=rng.random() < 0.04,
        )
        options = serving(area)
        rng.shuffle(options)
        plan.departments = options[:2]
        plans.append(plan)
        reported = start + timedelta(seconds=rng.uniform(0, (now - start).total_seconds()))
        # Office-hour reporting is likelier; the replay keeps the times as drawn.
        at = reported
        for name, low, high in (
            ("report", 0, 0),
            ("accept", 0.2, 6),
            ("route", 0.1, 4),
            ("sign", 0.2, 30 if plan.signs else NEVER),
            ("resolve", 2, 200 if plan.resolves else NEVER),
            ("verify", 1, 30),
            ("close", 1, 24),
            ("rate", 2, 72),
        ):
            at = at + timedelta(hours=rng.uniform(low, high))
            if at > now:
                break
            steps.append(Step(at=at, seq=len(steps), case_index=index, name=name))
    return plans, steps


def _act(plan: Plan, name: str, rng: random.Random, users: dict) -> int:  # noqa: PLR0911, PLR0912
    triage = plan.community_actor or plan.street_actor
    if name == "report":
        plan.case, _created = cases.case_report(
            actor=None,
            channel=rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0],
            category=plan.category,
            area=plan.area,
            title=f"{plan.area.name}{plan.category.name}",
            description=_description(plan, rng),
            urgency=rng.choices(list(Urgency.values), [80, 15, 5])[0],
            reporter_name=rng.choice(["王先生", "李女士", "张阿姨", "刘师傅", "陈先生", ""]),
            reporter_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
        )
        return 1
    case = plan.case
    if case is None:
        return 0
    case.refresh_from_db()
    if name == "accept":
        if plan.route == "none":
            return 0
        if plan.route == "reject":
            cases.case_reject(
                case=case, actor=triage, reason="经核实不属于受理范围，已告知居民通过其他渠道反映"
            )
        else:
            cases.case_accept(case=case, actor=triage)
        return 0
    if name == "route":
        if plan.route == "grid":
            cases.case_handle_in_grid(case=case, actor=triage, note="网格员现场处置")
        elif plan.route == "dispatch" and plan.departments:
            dispatch.case_dispatch(
                case=case,
                department=plan.departments[0],
                actor=plan.street_actor,
                instructions="请按时签收并处置",
            )
        elif plan.route == "whistle" and plan.departments:
            kind = plan.whistle_kind if len(plan.departments) > 1 else OrderKind.QUICK
            called = plan.departments if kind == OrderKind.JOINT else plan.departments[:1]
            dispatch.whistle_blow(
                case=case, kind=kind, departments=called, actor=triage, reason="网格无法解决，吹哨部门报到"
            )
        if plan.suspend:
            cases.case_suspend(case=case, actor=triage, reason="等待业主委员会表决")
        return 0
    if name == "sign":
        for order in case.orders.filter(status=OrderStatus.PENDING):
            dispatch.order_accept(order=order, actor=users.get("dept") if _own(order, users) else None)
        return 0
    if name == "resolve":
        if case.status == "handling":
            cases.case_resolve_in_grid(case=case, actor=None, account="网格员已现场协调处理完毕")
        for order in case.orders.filter(status=OrderStatus.ACCEPTED):
            dispatch.order_resolve(
                order=order,
                actor=users.get("dept") if _own(order, users) else None,
                account="已到现场处置完毕，居民认可",
            )
        return 0
    if name == "verify":
        cases.case_verify(case=case, actor=None, passed=rng.random() < 0.9, note="现场核查")
        return 0
    if name == "close":
        cases.case_close(case=case, actor=triage)
        return 0
    if name == "rate":
        cases.case_rate(
            case=case, rating=plan.rating, comment="" if plan.rating == Rating.SATISFIED else "处理不够及时"
        )
    return 0


def _description(plan: Plan, rng: random.Random) -> str:
    details = DETAILS.get(plan.category.code[-4:-2], DETAILS["01"])
    return f"{plan.area.name}：{plan.category.name}，{rng.choice(details)}。"


def _own(order, users: dict) -> bool:
    from apps.accounts.scope import user_scope  # noqa: PLC0415

    dept = users.get("dept")
    return bool(dept) and order.department_id in user_scope(dept).departments("order.handle")
