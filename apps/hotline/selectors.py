"""Reads of hotline orders, each through `restrict`: the calling client's own orders by serial, the triage
queue and the received orders of a member of staff, and what the hotline is told about an order."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.dispatch.choices import DeadlineState
from apps.dispatch.models import Deadline

from .choices import OrderState
from .models import HotlineOrder


def client_orders(client) -> QuerySet[HotlineOrder]:
    """The orders a client sent, as its system account may see them, and those it sent that are only
    received (not placed yet, so in no area)."""
    received = HotlineOrder.objects.filter(client=client, state=OrderState.RECEIVED)
    return (HotlineOrder.objects.restrict(client.user) | received).filter(client=client)


def client_order(client, serial: str, *, lock: bool = False) -> HotlineOrder:
    """The client's order with this serial (404 when it sent none); `lock` holds it until the transaction
    ends."""
    if "\x00" in serial:  # PostgreSQL text cannot hold NUL, so no order has it (and the query would fail)
        raise Http404
    orders = client_orders(client).select_related("case", "client")
    if lock:
        orders = orders.select_for_update(of=("self",))
    return get_object_or_404(orders, serial=serial)


def staff_orders(user) -> QuerySet[HotlineOrder]:
    """The orders placed where the user triages cases, newest first: the triage staff's lists."""
    return (
        HotlineOrder.objects.restrict(user, "triage")
        .placed()
        .select_related("client", "area", "category", "case")
    )


def triage_queue(user) -> QuerySet[HotlineOrder]:
    return staff_orders(user).waiting()


def triage_count(user) -> int:
    return HotlineOrder.objects.restrict(user, "triage").waiting().count()


def order_deadline(order: HotlineOrder):
    """When the case's next running time limit falls due (None without a case or a running limit)."""
    if order.case_id is None:
        return None
    return (
        Deadline.objects.filter(case_id=order.case_id, state=DeadlineState.ACTIVE)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
