"""What each entry of a case's timeline counts for: the one table from which the rollups are filled.

The timeline is append-only and each entry carries the facts of its moment (the department, the minutes
over the limit, the whistle's kind, the rating and who was rated), so a day's figures can be recomputed
from it at any time and give the same answer.
"""

from apps.cases.choices import CaseAction, CaseStatus, Rating

RATING_MEASURES = {
    Rating.SATISFIED: "rated_satisfied",
    Rating.BASICALLY_SATISFIED: "rated_basically_satisfied",
    Rating.DISSATISFIED: "rated_dissatisfied",
}

# The timeline actions the rollups read; the others (warnings, attachments, suspensions …) count for
# nothing.
COUNTED_ACTIONS = (
    CaseAction.REPORT,
    CaseAction.ACCEPT,
    CaseAction.DISPATCH,
    CaseAction.WHISTLE,
    CaseAction.SIGN,
    CaseAction.CHECK_IN,
    CaseAction.RESOLVE,
    CaseAction.CLOSE,
    CaseAction.OVERDUE,
    CaseAction.ESCALATE,
    CaseAction.RETURN,
    CaseAction.REOPEN,
    CaseAction.RATE,
    CaseAction.RATE_RESPONSE,
)


def _on_time(data: dict) -> bool:
    """Met by the due time. Entries written before "late" was recorded fall back on the minutes over,
    which miss a limit met after office hours on a working-time clock."""
    if "late" in data:
        return not data["late"]
    return not data.get("minutes_over")


# Entries that count once for one figure, whatever they carry.
CASE_COUNTS = {
    CaseAction.REPORT: "created",
    CaseAction.ACCEPT: "accepted",
    CaseAction.CLOSE: "closed",
    CaseAction.REOPEN: "reopened",
    CaseAction.OVERDUE: "overdue",
    CaseAction.ESCALATE: "escalated",
    CaseAction.RETURN: "returned",
}
DEPARTMENT_COUNTS = {
    CaseAction.OVERDUE: "overdue",
    CaseAction.ESCALATE: "escalated",
    CaseAction.RETURN: "returned",
}


def _case_orders(from_status: str, to_status: str, data: dict) -> list[tuple[str, int]]:
    return [("orders_received", len(data.get("departments") or ()))]


def _case_whistle(from_status: str, to_status: str, data: dict) -> list[tuple[str, int]]:
    kind = data.get("kind")
    whistled = [(f"whistled_{kind}", 1)] if kind in ("emergency", "joint", "quick") else []
    return _case_orders(from_status, to_status, data) + whistled


def _case_check_in(from_status: str, to_status: str, data: dict) -> list[tuple[str, int]]:
    return [("checked_in", 1), *([("checked_in_on_time", 1)] if _on_time(data) else [])]


def _case_resolve(from_status: str, to_status: str, data: dict) -> list[tuple[str, int]]:
    measures = []
    # A department's resolution (with its order) and, when it was the last one working or the grid
    # resolved it, the case's.
    if data.get("order"):
        measures.append(("orders_resolved", 1))
        if _on_time(data):
            measures.append(("orders_resolved_on_time", 1))
    if to_status == CaseStatus.RESOLVED and from_status != CaseStatus.RESOLVED:
        measures.append(("resolved", 1))
        if from_status == CaseStatus.HANDLING:
            measures.append(("resolved_in_grid", 1))
    return measures


def _case_rate(from_status: str, to_status: str, data: dict) -> list[tuple[str, int]]:
    measure = RATING_MEASURES.get(data.get("rating"))
    return [(measure, 1)] if measure else []


CASE_RULES = {
    CaseAction.DISPATCH: _case_orders,
    CaseAction.WHISTLE: _case_whistle,
    CaseAction.SIGN: _case_check_in,
    CaseAction.CHECK_IN: _case_check_in,
    CaseAction.RESOLVE: _case_resolve,
    CaseAction.RATE: _case_rate,
}


def case_measures(action: str, from_status: str, to_status: str, data: dict) -> list[tuple[str, int]]:
    """The case figures (CaseDay columns) one timeline entry adds to, with the amount."""
    if action in CASE_COUNTS:
        return [(CASE_COUNTS[action], 1)]
    rule = CASE_RULES.get(action)
    return rule(from_status, to_status, data) if rule else []


def _department_orders(data: dict, lead: int | None) -> list[tuple[int, str, int]]:
    return [(pk, "orders_received", 1) for pk in data.get("departments") or ()]


def _department_timed(accomplished: str, on_time: str):
    def rule(data: dict, lead: int | None) -> list[tuple[int, str, int]]:
        department = data.get("department")
        if not department:
            return []
        measures = [
            (department, accomplished, 1),
            (department, "minutes_over", data.get("minutes_over") or 0),
        ]
        return measures + ([(department, on_time, 1)] if _on_time(data) else [])

    return rule


def _department_response(data: dict, lead: int | None) -> list[tuple[int, str, int]]:
    department = data.get("department")
    if not department:
        return []
    return [(department, "response_rated", 1), (department, "response_points", int(data.get("rating") or 0))]


def _department_reopen(data: dict, lead: int | None) -> list[tuple[int, str, int]]:
    return [(pk, "reopened", 1) for pk in (data.get("against") or {}).get("departments") or ()]


def _department_rate(data: dict, lead: int | None) -> list[tuple[int, str, int]]:
    measure = RATING_MEASURES.get(data.get("rating"))
    if not measure:
        return []
    handlers = data.get("handlers")
    # Entries written before the handlers were recorded with the rating count for the lead department.
    departments = handlers.get("departments") if handlers else ([lead] if lead else [])
    return [(pk, measure, 1) for pk in departments or ()]


DEPARTMENT_RULES = {
    CaseAction.DISPATCH: _department_orders,
    CaseAction.WHISTLE: _department_orders,
    CaseAction.SIGN: _department_timed("checked_in", "checked_in_on_time"),
    CaseAction.CHECK_IN: _department_timed("checked_in", "checked_in_on_time"),
    CaseAction.RESOLVE: _department_timed("orders_resolved", "orders_resolved_on_time"),
    CaseAction.RATE_RESPONSE: _department_response,
    CaseAction.REOPEN: _department_reopen,
    CaseAction.RATE: _department_rate,
}


def department_measures(
    action: str, data: dict, lead_department_id: int | None
) -> list[tuple[int, str, int]]:
    """The department figures (DepartmentDay columns) one timeline entry adds to: (department id, column,
    amount)."""
    if action in DEPARTMENT_COUNTS:
        department = data.get("department")
        return [(department, DEPARTMENT_COUNTS[action], 1)] if department else []
    rule = DEPARTMENT_RULES.get(action)
    return rule(data, lead_department_id) if rule else []
