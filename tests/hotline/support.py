"""A registered hotline for the tests: the client (limited to the test district unless said otherwise), its
key, and code tables mapping two categories, the first street and the first community."""

from dataclasses import dataclass

from django.urls import reverse

from apps.cases.services import (
    case_accept,
    case_close,
    case_handle_in_grid,
    case_resolve_in_grid,
    case_verify,
)
from apps.hotline.choices import MappingKind
from apps.hotline.models import CodeMapping
from apps.hotline.services import order_receive
from tests.integrations.support import register

ORDERS = reverse("api:hotline-orders")
TRIAGE = reverse("api:hotline-triage-list")


@dataclass
class Hotline:
    client: object
    key: str


def hotline_for(city, *, area=None, code: str = "12345", scopes=None) -> Hotline:
    client, key = register(area or city.district, code=code, scopes=scopes, name=f"热线 {code}")
    CodeMapping.objects.bulk_create(
        [
            CodeMapping(client=client, kind=MappingKind.CATEGORY, code="HJ-01", category=city.categories[1]),
            CodeMapping(client=client, kind=MappingKind.CATEGORY, code="AQ-01", category=city.categories[4]),
            CodeMapping(client=client, kind=MappingKind.AREA, code="JD-1", area=city.streets[0]),
            CodeMapping(client=client, kind=MappingKind.AREA, code="SQ-11", area=city.communities[0]),
            CodeMapping(client=client, kind=MappingKind.AREA, code="SQ-21", area=city.communities[2]),
            CodeMapping(client=client, kind=MappingKind.AREA, code="WG-111", area=city.grids[0]),
        ]
    )
    return Hotline(client=client, key=key)


def body(serial: str = "12345-0001", **fields) -> dict:
    """A work order as the hotline sends it (mapped to the first community by default)."""
    return {
        "serial": serial,
        "title": "垃圾堆放",
        "description": "小区南门垃圾三天未清运",
        "category_code": "HJ-01",
        "area_code": "SQ-11",
        "address": "幸福路 88 号",
        "caller_name": "张先生",
        "caller_phone": "13800138000",
        **fields,
    }


def receive(hotline: Hotline, serial: str = "12345-0001", **fields):
    """An order received through the service: the Receipt."""
    data = body(serial, **fields)
    return order_receive(client=hotline.client, **data)


def order_url(serial: str, action: str = "") -> str:
    if action:
        return reverse(f"api:hotline-order-{action}", args=[serial])
    return reverse("api:hotline-order", args=[serial])


def triage_url(order, action: str = "") -> str:
    return reverse(f"api:hotline-triage-{action or 'detail'}", args=[order.pk])


def close(case, city):
    """Take a reported case placed in a grid (area code WG-111) through to closed, with the real services."""
    case = case_accept(case=case, actor=city.users["street"])
    case = case_handle_in_grid(case=case, actor=city.users["street"])
    case = case_resolve_in_grid(case=case, actor=city.users["gridworker"], account="已清运")
    case = case_verify(case=case, actor=city.users["community"], passed=True)
    return case_close(case=case, actor=city.users["street"])
