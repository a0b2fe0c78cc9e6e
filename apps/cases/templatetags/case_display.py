"""The colours of the case pages' badges: `{{ case.status|status_color }}` gives a Bootstrap colour name."""

from django import template

from apps.cases.choices import CaseStatus, Urgency
from apps.dispatch.choices import WHISTLE_KINDS, DeadlineState, OrderKind, OrderStatus, SupervisionLevel

register = template.Library()

STATUS_COLORS = {
    CaseStatus.REPORTED: "primary",
    CaseStatus.ACCEPTED: "info",
    CaseStatus.REJECTED: "secondary",
    CaseStatus.HANDLING: "info",
    CaseStatus.DISPATCHED: "warning",
    CaseStatus.RESOLVED: "success",
    CaseStatus.VERIFIED: "success",
    CaseStatus.CLOSED: "secondary",
    CaseStatus.MERGED: "secondary",
}
URGENCY_COLORS = {Urgency.NORMAL: "light", Urgency.URGENT: "warning", Urgency.EMERGENCY: "danger"}
ORDER_COLORS = {
    OrderStatus.PENDING: "primary",
    OrderStatus.ACCEPTED: "warning",
    OrderStatus.RESOLVED: "success",
    OrderStatus.RETURNED: "secondary",
    OrderStatus.ESCALATED: "danger",
    OrderStatus.CANCELLED: "secondary",
}
DEADLINE_COLORS = {
    DeadlineState.ACTIVE: "primary",
    DeadlineState.PAUSED: "secondary",
    DeadlineState.MET: "success",
    DeadlineState.BREACHED: "danger",
    DeadlineState.CANCELLED: "light",
}
SUPERVISION_COLORS = {
    SupervisionLevel.NORMAL: "info",
    SupervisionLevel.YELLOW: "warning",
    SupervisionLevel.RED: "danger",
}
KIND_COLORS = {OrderKind.DISPATCH: "light", OrderKind.EMERGENCY: "danger", OrderKind.JOINT: "warning"}


@register.filter
def status_color(status: str) -> str:
    return STATUS_COLORS.get(status, "light")


@register.filter
def urgency_color(urgency: str) -> str:
    return URGENCY_COLORS.get(urgency, "light")


@register.filter
def order_color(status: str) -> str:
    return ORDER_COLORS.get(status, "light")


@register.filter
def deadline_color(state: str) -> str:
    return DEADLINE_COLORS.get(state, "light")


@register.filter
def supervision_color(level: str) -> str:
    return SUPERVISION_COLORS.get(level, "light")


@register.filter
def kind_color(kind: str) -> str:
    """Whistles stand out from ordinary dispatch; the emergency whistle most."""
    return KIND_COLORS.get(kind, "info" if kind in WHISTLE_KINDS else "light")
