"""Demo co-building: agreements of the demo's first community and first street with partner units of the
street, their three lists (some needs taken and fulfilled), and this year's two-way evaluation, open today,
with scores both ways. Written through the services, by the system."""

import datetime

from apps.core.services import demo_places
from apps.party.models import PartnerUnit

from . import services
from .choices import Direction, ProjectStatus, ResourceKind
from .models import Agreement, EvaluationRound, today


def demo_cobuilding() -> int:
    """Create the demo agreements; returns how many (0, changing nothing, when they exist already)."""
    places = demo_places()
    street, community = places["street"], places["community"]
    if street is None or community is None:
        return 0
    if Agreement.objects.filter(area__in=[street, community]).exists():
        return 0
    units = list(PartnerUnit.objects.filter(street_id=street.pk).order_by("id")[:3])
    if not units:
        return 0
    first, second, third = (units * 3)[:3]
    now = today()
    start = datetime.date(now.year, 1, 1)
    end = datetime.date(now.year + 1, 12, 31)

    def sign(area, unit, title):
        return services.agreement_create(
            actor=None,
            area=area,
            partner_unit=unit,
            title=title,
            content="双方本着资源共享、优势互补、共驻共建的原则，开展结对共建。",
            signed_on=start,
            valid_from=start,
            valid_until=end,
        )

    main = sign(community, first, f"{community.name}与{first.name}共建协议")
    services.resource_add(
        actor=None, agreement=main, title="场地共享", kind=ResourceKind.VENUE, quantity="多功能厅每周两个半天"
    )
    services.resource_add(
        actor=None, agreement=main, title="党员志愿者", kind=ResourceKind.VOLUNTEERS, quantity="20人"
    )
    summer = services.need_add(
        actor=None, agreement=main, title="青少年暑期托管", description="双职工家庭子女暑期看护与课业辅导"
    )
    services.need_take(actor=None, need=summer, partner_unit=first)
    services.need_fulfil(actor=None, need=summer, note="托管六周，服务学生45人次")
    lecture = services.need_add(actor=None, agreement=main, title="加装电梯政策宣讲")
    services.need_take(actor=None, need=lecture, partner_unit=first)
    services.need_add(
        actor=None,
        agreement=main,
        title="独居老人助餐",
        description="为社区独居老人每周配送午餐",
        needed_by=now + datetime.timedelta(days=20),
    )
    elevator = services.project_add(
        actor=None, agreement=main, title="老旧小区加装电梯", description="协调居民意见，推进3个门栋加装电梯"
    )
    services.project_set_status(actor=None, project=elevator, status=ProjectStatus.UNDERWAY)
    camp = services.project_add(actor=None, agreement=main, title="青少年暑期托管")
    services.project_set_status(
        actor=None, project=camp, status=ProjectStatus.COMPLETED, note="暑期托管班顺利结班"
    )
    agreements = [main]
    if second != first:
        health = sign(community, second, f"{community.name}与{second.name}共建协议")
        services.resource_add(
            actor=None,
            agreement=health,
            title="义诊与健康讲座",
            kind=ResourceKind.EXPERTISE,
            quantity="每月一次",
        )
        services.need_add(
            actor=None, agreement=health, title="楼道堆物清理", needed_by=now + datetime.timedelta(days=45)
        )
        agreements.append(health)
    street_unit = third if third not in (first, second) else first
    joint = sign(street, street_unit, f"{street.name}与{street_unit.name}共建协议")
    services.resource_add(
        actor=None, agreement=joint, title="共建资金", kind=ResourceKind.FUNDS, quantity="5万元"
    )
    services.project_add(
        actor=None, agreement=joint, title="背街小巷环境整治", planned_on=now + datetime.timedelta(days=30)
    )
    agreements.append(joint)
    evaluation_round = EvaluationRound.objects.filter(
        area=street, year=now.year
    ).first() or services.round_create(
        actor=None,
        area=street,
        year=now.year,
        opens_on=now - datetime.timedelta(days=7),
        closes_on=now + datetime.timedelta(days=30),
    )
    if evaluation_round.is_open:
        scores = [
            (main, Direction.AREA_RATES_UNIT, 95, "志愿服务积极，托管项目群众满意"),
            (main, Direction.UNIT_RATES_AREA, 88, "社区对接及时"),
            (joint, Direction.UNIT_RATES_AREA, 92, "街道统筹有力"),
        ]
        if len(agreements) == 3:
            scores.append((agreements[1], Direction.AREA_RATES_UNIT, 78, ""))
        for agreement, direction, score, comment in scores:
            services.evaluation_record(
                actor=None,
                evaluation_round=evaluation_round,
                agreement=agreement,
                direction=direction,
                score=score,
                comment=comment,
            )
    return len(agreements)
