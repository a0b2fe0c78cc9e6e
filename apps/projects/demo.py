"""The demo's projects under 四定两评: five projects of the first street and community, written through
the services; milestones with some overdue, one project completed and evaluated both ways, one completed
and awaiting its evaluations."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import PERMISSIONS
from apps.accounts.scope import user_scope
from apps.core.services import demo_places
from apps.party.models import PartyOrganisation

from . import services
from .choices import EvaluationBy, ProjectKind
from .models import Project

# Each project: its title and kind, the demo place it belongs to, its deadline in days from today, budget,
# content and measures, its milestones (with their due dates in days and whether done) and its end: evaluated
# both ways, completed only, or still underway.
PROJECTS = [
    (
        "老旧小区加装电梯",
        ProjectKind.PRACTICAL,
        "community",
        150,
        Decimal("1200000"),
        "为小区6幢多层住宅加装电梯，解决老年居民上下楼难题。",
        "逐幢征求意见，召开居民议事会协调低层住户；委托设计与施工；街道协调规划审批与补贴申领。",
        [("完成全体住户意见征询", -20, True), ("取得规划审批", -3, False), ("首台电梯竣工验收", 120, False)],
        None,
    ),
    (
        "社区食堂",
        ProjectKind.PRACTICAL,
        "street",
        60,
        Decimal("380000"),
        "在街道党群服务中心开设社区食堂，为老年人提供平价午餐和送餐服务。",
        "引入专业餐饮企业运营；对80岁以上老人给予就餐补贴；党员志愿者负责送餐。",
        [("选址装修完成", -40, True), ("试营业", -10, True)],
        "evaluated",
    ),
    (
        "口袋公园改造",
        ProjectKind.PRACTICAL,
        "community",
        30,
        Decimal("250000"),
        "将小区东侧闲置空地改造为口袋公园，增设座椅、健身器材和儿童游乐区。",
        "共建单位提供设计方案；居民投票选定方案；网格员收集施工期间意见。",
        [("方案公示与投票", -30, True), ("施工完成", -2, True)],
        "completed",
    ),
    (
        "红帆助老服务队",
        ProjectKind.RED_SAIL,
        "community",
        90,
        None,
        "组建由在职党员和志愿者组成的助老服务队，为独居老人提供定期探访和生活帮扶。",
        "党员与独居老人结对，每周探访一次；建立服务台账；每月召开服务队例会。",
        [("完成结对名单", -7, False), ("服务满一个月总结", 40, False)],
        None,
    ),
    (
        "楼道微更新",
        ProjectKind.RED_SAIL,
        "community",
        45,
        Decimal("30000"),
        "清理楼道堆物，粉刷墙面，更换照明，打造整洁明亮的楼道环境。",
        "楼组长发动居民自治；党员带头清理；物业配合维修。",
        [("楼道堆物清理", 10, False), ("墙面粉刷和照明更换", 40, False)],
        None,
    ),
]

EVALUATIONS = [
    (EvaluationBy.RESIDENTS, 93, 56, "饭菜可口，价格实惠，送餐及时。"),
    (EvaluationBy.ORGANISATION, 88, None, "项目推进有力，建议扩大送餐覆盖范围。"),
]


def _owner(area) -> User | None:
    """The demo login of the place ("community", then "street") if it holds a role there, else anyone
    who may change co-governance there."""
    for username in ("community", "street"):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is not None and user_scope(user).holds("cogov.view", area):
            return user
    roles = [role for role, permissions in PERMISSIONS.items() if "cogov.change" in permissions]
    assignment = (
        RoleAssignment.objects.active()
        .filter(role__in=roles, area_id__in=[*area.ancestor_ids, area.pk], user__is_active=True)
        .select_related("user")
        .order_by("-area__level", "pk")
        .first()
    )
    return assignment.user if assignment else None


@transaction.atomic
def demo_projects() -> int:
    """Five demo projects, once; returns the projects created (0 when they exist or there is no place)."""
    places = demo_places()
    if places["street"] is None or places["community"] is None:
        return 0
    if Project.objects.filter(street=places["street"], title__in=[row[0] for row in PROJECTS]).exists():
        return 0
    today = timezone.localdate()
    created = 0
    for title, kind, place, days, budget, content, measures, milestones, end in PROJECTS:
        area = places[place]
        owner = _owner(area)
        if owner is None:
            continue
        project = services.project_create(
            actor=None,
            area=area,
            kind=kind,
            title=title,
            content=content,
            owner=owner,
            deadline=today + datetime.timedelta(days=days),
            measures=measures,
            organisation=PartyOrganisation.objects.filter(area=area).order_by("pk").first(),
            budget=budget,
        )
        for milestone_title, due_in, done in milestones:
            milestone = services.milestone_add(
                actor=None,
                project=project,
                title=milestone_title,
                due_on=today + datetime.timedelta(days=due_in),
            )
            if done:
                services.milestone_complete(actor=None, milestone=milestone)
        if end:
            services.project_complete(actor=None, project=project, summary="各项措施全部落实，按期完成。")
        if end == "evaluated":
            for by, score, participants, comment in EVALUATIONS:
                services.project_evaluate(
                    actor=None,
                    project=project,
                    by=by,
                    score=score,
                    participants=participants,
                    comment=comment,
                )
        created += 1
    return created
