"""The demo's 12345 hotline: a registered client limited to the demo district, its code tables for several
categories and a few streets and communities, and a handful of work orders received through the real
intake, most of them mapped to cases and two waiting in the triage queue."""

from django.db import transaction

from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.cases.models import Category
from apps.integrations.models import IntegrationClient
from apps.integrations.scopes import KeyScope
from apps.integrations.services import client_register

from .choices import MappingKind
from .models import CodeMapping
from .services import order_receive

CODE = "12345"
NAME = "12345 市民服务热线"
CALLS = [
    ("小区南门垃圾三天未清运，气味较大，请尽快处理。", "张先生", "13800138001", "urgent"),
    ("楼道内电动车充电，存在火灾隐患。", "李女士", "13900139002", "normal"),
    ("夜间施工噪音扰民，已持续一周。", "王先生", "13700137003", "normal"),
    ("人行道井盖松动，老人险些摔倒。", "赵女士", "13600136004", "urgent"),
    ("路边占道经营，影响通行。", "陈先生", "13500135005", "normal"),
]


@transaction.atomic
def demo_hotline(*, orders: int = 5) -> int:
    """Register the demo hotline in the first district, once; returns the orders received (0 when the
    client exists already or there is no district)."""
    district = Area.objects.filter(level=AreaLevel.DISTRICT, is_active=True).order_by("code").first()
    if district is None or IntegrationClient.objects.filter(code=CODE).exists():
        return 0
    client = client_register(
        actor=None,
        name=NAME,
        code=CODE,
        area=district,
        scopes=[KeyScope.CASES_READ, KeyScope.CASES_CREATE, KeyScope.CASES_UPDATE],
        description="市民服务热线工单对接（演示）",
    )
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("code")[:6])
    streets = list(Area.objects.filter(parent=district, is_active=True).order_by("code")[:2])
    communities = list(Area.objects.filter(parent__in=streets, is_active=True).order_by("code")[:3])
    CodeMapping.objects.bulk_create(
        [
            *(
                CodeMapping(
                    client=client, kind=MappingKind.CATEGORY, code=f"RX-{n + 1:02d}", label=c.name, category=c
                )
                for n, c in enumerate(categories)
            ),
            *(
                CodeMapping(
                    client=client, kind=MappingKind.AREA, code=f"JD-{a.code[-3:]}", label=a.name, area=a
                )
                for a in streets
            ),
            *(
                CodeMapping(
                    client=client, kind=MappingKind.AREA, code=f"SQ-{a.code[-6:]}", label=a.name, area=a
                )
                for a in communities
            ),
        ]
    )
    places = [f"SQ-{a.code[-6:]}" for a in communities] + [f"JD-{a.code[-3:]}" for a in streets]
    received = 0
    for n, (description, name, phone, urgency) in enumerate(CALLS[:orders]):
        # The last two carry codes the tables do not know: one category, one place.
        category_code = "RX-99" if n == len(CALLS) - 2 else f"RX-{n % max(len(categories), 1) + 1:02d}"
        area_code = "QT-000" if n == len(CALLS) - 1 else places[n % len(places)]
        order_receive(
            client=client,
            serial=f"12345-DEMO-{n + 1:06d}",
            description=description,
            category_code=category_code,
            area_code=area_code,
            caller_name=name,
            caller_phone=phone,
            urgency=urgency,
        )
        received += 1
    return received
