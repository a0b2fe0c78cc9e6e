"""The demo's micro wishes: eight wishes of the first community in every state, claimed by party members,
organisations and partner units of the district, one still unclaimed past its claim_by."""

import datetime
from itertools import zip_longest

from django.db import transaction
from django.utils import timezone

from apps.core.services import demo_places
from apps.party.models import PartnerUnit, PartyMember, PartyOrganisation

from .choices import WishCategory
from .models import MicroWish
from .services import remind_time, wish_claim, wish_confirm, wish_fulfil, wish_post, wish_rate, wish_withdraw

# title, description, category, resident, where it got to
WISHES = [
    (
        "想要一台收音机",
        "独居老人，平时喜欢听戏曲，家里的收音机坏了。",
        WishCategory.DAILY_NECESSITIES,
        "王秀英",
        "posted",
    ),
    (
        "希望有人辅导孩子数学",
        "孩子上初二，父母都在外地打工，数学跟不上。",
        WishCategory.STUDY,
        "刘建国",
        "overdue",
    ),
    ("轮椅维修", "轮椅刹车失灵，出门不安全。", WishCategory.REPAIRS, "陈桂兰", "claimed"),
    ("助听器", "听力下降，希望有一副合适的助听器。", WishCategory.HEALTH_AND_CARE, "张德明", "fulfilled"),
    ("陪同就医", "每月需要去医院复查，子女不在身边。", WishCategory.COMPANIONSHIP, "李淑珍", "confirmed"),
    ("更换厨房水龙头", "水龙头漏水多日，自己修不好。", WishCategory.REPAIRS, "赵志强", "rated"),
    ("一套过冬棉被", "家里被褥单薄，冬天难熬。", WishCategory.DAILY_NECESSITIES, "孙玉梅", "rated"),
    ("学用智能手机", "想学会用手机和孙子视频。", WishCategory.OTHER, "周文华", "withdrawn"),
]


def _claimants(district) -> list[dict]:
    """Claimants of the district, the kinds taken in turn (a member, an organisation, a partner unit …)."""
    kinds = [
        [{"member": row} for row in PartyMember.objects.filter(district=district).order_by("id")[:3]],
        [
            {"organisation": row}
            for row in PartyOrganisation.objects.filter(district=district).order_by("-area__level", "id")[:2]
        ],
        [{"partner_unit": row} for row in PartnerUnit.objects.filter(district=district).order_by("id")[:2]],
    ]
    return [claimant for turn in zip_longest(*kinds) for claimant in turn if claimant]


@transaction.atomic
def demo_wishes() -> int:
    """Post the demo wishes in the first community, once; returns the wishes created (0 when the
    community has wishes already or there is no community)."""
    places = demo_places()
    community = places["community"]
    if community is None or MicroWish.objects.filter(community=community).exists():
        return 0
    claimants = _claimants(places["district"])
    areas = [places["building"] or community, places["grid"] or community, community]
    created = claimed = 0
    for n, (title, description, category, resident, stage) in enumerate(WISHES):
        wish = wish_post(
            actor=None,
            area=areas[n % len(areas)],
            title=title,
            description=description,
            category=category,
            resident_name=resident,
            consent=True,
        )
        created += 1
        if stage == "overdue":
            # The demo shows a wish left unclaimed past its date: posted ten days ago, due three days ago.
            past = timezone.localdate() - datetime.timedelta(days=3)
            MicroWish.objects.filter(pk=wish.pk).update(
                claim_by=past,
                created_at=timezone.now() - datetime.timedelta(days=10),
                remind_at=remind_time(past),
            )
            continue
        if stage == "withdrawn":
            wish_withdraw(actor=None, wish=wish, reason="居民已通过亲属解决，撤回心愿。")
            continue
        if stage == "posted" or not claimants:
            continue
        wish = wish_claim(actor=None, wish=wish, note="主动认领", **claimants[claimed % len(claimants)])
        claimed += 1
        if stage == "claimed":
            continue
        wish = wish_fulfil(actor=None, wish=wish, note=f"已完成：{title}。")
        if stage == "fulfilled":
            continue
        wish = wish_confirm(actor=None, wish=wish, note="已电话回访居民，确认心愿实现。")
        if stage == "rated":
            wish_rate(actor=None, wish=wish, rating=5, thanks="谢谢党员同志，太贴心了！")
    return created
