"""The demo's councils: one meeting of each kind for the first community and its street, with topics and
resolutions; two resolutions became council tasks (one done, one open) and one became a case."""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import Category
from apps.core.services import demo_places

from .choices import MeetingKind, Outcome
from .models import Meeting
from .selectors import possible_owners
from .services import (
    meeting_create,
    resolution_add,
    resolution_make_case,
    resolution_make_task,
    task_complete,
    topic_add,
)

PARTICIPANTS = [
    {"name": "张建国", "role": "社区党委书记"},
    {"name": "李秀芳", "role": "居民代表"},
    {"name": "王志强", "role": "业委会主任"},
    {"name": "陈丽", "role": "物业公司项目经理"},
    {"name": "刘海", "role": "在职党员"},
]

# kind, title, place, days ago, at the street (联席会议) or the community, topic, resolution, follow-up
MEETINGS = [
    (
        MeetingKind.PARTY_MASSES,
        "小区停车难问题",
        "社区党群服务中心",
        20,
        False,
        ("夜间停车位不足，消防通道被占", "居民代表"),
        "利用小区东侧空地增设临时停车位，并施划消防通道标线。",
        "open_task",
    ),
    (
        MeetingKind.RESIDENTS,
        "加装电梯意见征集",
        "3号楼架空层",
        45,
        False,
        ("3号楼加装电梯的费用分摊方案", "3号楼楼组长"),
        "按楼层分摊费用，由社区协助向街道申请加装电梯补贴。",
        "done_task",
    ),
    (
        MeetingKind.NIGHT_TALK,
        "垃圾分类投放点调整",
        "小区中心花园",
        10,
        False,
        ("投放点离住户太近，夏季异味重", "居民"),
        "投放点向北迁移二十米，增加定时清运次数。",
        "",
    ),
    (
        MeetingKind.JOINT,
        "物业服务质量",
        "街道会议室",
        5,
        True,
        ("物业保洁不到位、报修响应慢", "社区居委会"),
        "由街道房管部门督促物业整改保洁和报修流程，限期答复。",
        "case",
    ),
]


def _owner(meeting: Meeting) -> User | None:
    """The demo login "community" when it can see the community, else the first person who can."""
    owners = possible_owners(meeting)
    return owners.filter(username="community").first() or owners.first()


@transaction.atomic
def demo_councils() -> int:
    """Record the demo's council meetings once; returns the meetings recorded (0 when the first street
    has council meetings already or there is no community)."""
    places = demo_places()
    community, street = places["community"], places["street"]
    if community is None or Meeting.objects.filter(street=street).exists():
        return 0
    category = Category.objects.filter(is_active=True, parent__isnull=False).order_by("code").first()
    today = timezone.localdate()
    created = 0
    for kind, title, place, days_ago, at_street, topic_data, text, follow_up in MEETINGS:
        held_at = timezone.localtime().replace(
            hour=19, minute=0, second=0, microsecond=0
        ) - datetime.timedelta(days=days_ago)
        meeting = meeting_create(
            actor=None,
            area=street if at_street else community,
            kind=kind,
            title=title,
            held_at=held_at,
            place=place,
            host=PARTICIPANTS[0]["name"],
            participants=PARTICIPANTS,
            minutes=f"与会人员围绕“{title}”充分讨论，形成决议如下：{text}",
        )
        created += 1
        topic = topic_add(actor=None, meeting=meeting, title=topic_data[0], raised_by=topic_data[1])
        resolution = resolution_add(actor=None, meeting=meeting, text=text, topic=topic)
        resolution_add(actor=None, meeting=meeting, text="下次会议通报进展情况。", outcome=Outcome.DEFERRED)
        owner = _owner(meeting)
        if owner is None or not follow_up:
            continue
        if follow_up == "case":
            if category is not None:
                resolution_make_case(
                    actor=None,
                    resolution=resolution,
                    category=category,
                    owner=owner,
                    deadline=today + datetime.timedelta(days=30),
                    area=community,
                )
            continue
        task = resolution_make_task(
            actor=None, resolution=resolution, owner=owner, deadline=today + datetime.timedelta(days=14)
        )
        if follow_up == "done_task":
            task_complete(
                actor=None,
                task=task,
                report="已召开楼内协调会，费用分摊方案经全体业主签字确认，补贴申请已提交街道。",
            )
    return created
