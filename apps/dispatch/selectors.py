"""Scoped reads of orders, whistles and supervisions: the department handler's inbox, the supervision
list, and the orders of a case with what a user may do on each now. Every read starts from `restrict()`."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.accounts.scope import user_scope

from .choices import (
    ACTIVE_ORDER_STATUSES,
    DeadlineKind,
    DeadlineState,
    ExtensionStatus,
    OrderKind,
    OrderStatus,
)
from .models import LATE_ORDER, Deadline, DispatchOrder, ExtensionRequest, Supervision
from .services import rating_permission

ORDER_BUCKETS = ("to_sign", "to_check_in", "in_hand", "due_soon", "overdue")
DUE_SOON = timedelta(hours=24)


def _order_condition(bucket: str) -> Q:
    active = Q(status__in=ACTIVE_ORDER_STATUSES)
    if bucket == "to_sign":
        return Q(status=OrderStatus.PENDING, kind=OrderKind.DISPATCH)
    if bucket == "to_check_in":
        return Q(status=OrderStatus.PENDING) & ~Q(kind=OrderKind.DISPATCH)
    if bucket == "in_hand":
        return Q(status=OrderStatus.ACCEPTED)
    if bucket == "due_soon":
        soon = Deadline.objects.filter(
            order=OuterRef("pk"), state=DeadlineState.ACTIVE, due_at__lte=timezone.now() + DUE_SOON
        )
        return active & Q(Exists(soon))
    if bucket == "overdue":
        return LATE_ORDER
    raise ValueError(bucket)


def own_orders(user) -> QuerySet:
    """The orders of the user's departments (a department handler's inbox); everything for superusers.
    Read through restrict() like every scoped read, then narrowed to the user's own departments."""
    scope = user_scope(user)
    orders = DispatchOrder.objects.restrict(user)
    if not scope.unrestricted:
        orders = orders.filter(department__in=scope.departments("order.handle"))
    return orders


def order_inbox(user, bucket: str) -> QuerySet:
    return (
        own_orders(user)
        .filter(_order_condition(bucket))
        .select_related("case", "case__category", "case__area", "department", "whistle")
        .order_by("-created_at", "-id")
    )


def order_inbox_counts(user) -> dict[str, int]:
    return own_orders(user).aggregate(
        **{bucket: Count("pk", filter=_order_condition(bucket)) for bucket in ORDER_BUCKETS}
    )


def supervisions_visible(user) -> QuerySet:
    return Supervision.objects.restrict(user).select_related(
        "case", "order__department", "issued_by", "issuing_area"
    )


def case_deadlines(case) -> list[Deadline]:
    return list(
        Deadline.objects.filter(case=case)
        .select_related("order__department", "policy")
        .order_by("started_at", "id")
    )


def case_orders(case) -> list[DispatchOrder]:
    """The orders of a case for its page, oldest first, each with its `deadlines` and its
    `pending_extensions` (the one request waiting for a decision, if any)."""
    pending = ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).select_related("requested_by")
    return list(
        case.orders.select_related(
            "department", "dispatching_area", "whistle", "suggested_department", "accepted_by", "rated_by"
        )
        .prefetch_related("deadlines", Prefetch("extension_requests", pending, to_attr="pending_extensions"))
        .order_by("created_at", "id")
    )


# What can be done to an order, besides the case's own actions: the department's (sign for or check in,
# resolve, return, ask for more time) and the dispatching level's (decide an extension, rate the response).
ORDER_ACTIONS = ("accept", "resolve", "return", "extend", "decide", "rate")
FINISHED_ORDER_STATUSES = (OrderStatus.RESOLVED, OrderStatus.RETURNED, OrderStatus.ESCALATED)


def order_actions(user, order: DispatchOrder, *, now=None) -> set[str]:
    """The actions this user may take on an order now (from `case_orders`, with `order.case` loaded).
    The services check everything again; this only decides which forms the case page offers."""
    scope = user_scope(user)
    actions = set()
    if order.department_id in scope.departments("order.handle") and order.status in ACTIVE_ORDER_STATUSES:
        running = not order.case.suspended_at
        if running:
            actions.add("accept" if order.status == OrderStatus.PENDING else "resolve")
        actions.add("return")
        resolve = next((d for d in order.deadlines.all() if d.kind == DeadlineKind.RESOLVE), None)
        if (
            resolve is not None
            and resolve.state == DeadlineState.ACTIVE
            and resolve.due_at > (now or timezone.now())
            and not order.pending_extensions
        ):
            actions.add("extend")
    if order.pending_extensions and scope.holds("case.triage", order.dispatching_area):
        actions.add("decide")
    if (
        order.status in FINISHED_ORDER_STATUSES
        and not order.response_rating
        and scope.holds(rating_permission(order), order.dispatching_area)
    ):
        actions.add("rate")
    return actions
