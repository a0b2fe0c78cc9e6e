"""The timeline in words: what each entry's data means to a reader of the case page."""

from collections.abc import Iterable

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from apps.dispatch.choices import DeadlineKind, OrderKind, ResponseRating, SupervisionLevel
from apps.dispatch.models import WHISTLE_LEVELS

from .choices import CaseAction, Channel, Rating
from .models import CaseEvent

LEVEL_NAMES = dict(WHISTLE_LEVELS)
DEPARTMENT_KEYS = ("department", "lead", "suggested_department")


def department_ids(events: Iterable[CaseEvent]) -> set[int]:
    """Every department an entry's data names, so that one query fetches their names."""
    ids = set()
    for event in events:
        data = event.data
        ids.update(data.get("departments") or [])
        ids.update((data.get("against") or {}).get("departments") or [])
        ids.update(data[key] for key in DEPARTMENT_KEYS if isinstance(data.get(key), int))
    return ids


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _when(value: str) -> str:
    moment = parse_datetime(value) if value else None
    return date_format(localtime(moment), "Y-m-d H:i") if moment else value


def details(event: CaseEvent, departments: dict[int, str]) -> list[str]:
    """The facts of one entry worth showing, each a short phrase."""

    def names(ids) -> str:
        return "、".join(departments.get(pk, "?") for pk in ids)

    return [line for part in (_who, _time, _verdict) for line in part(event.action, event.data, names)]


def _who(action: str, data: dict, names) -> list[str]:
    lines = []
    if data.get("channel"):
        lines.append(_("channel: %(value)s") % {"value": _label(Channel, data["channel"])})
    if action == CaseAction.WHISTLE:
        lines.append(
            _("%(kind)s by the %(level)s")
            % {"kind": _label(OrderKind, data.get("kind")), "level": LEVEL_NAMES.get(data.get("level"), "")}
        )
    if data.get("departments"):
        lines.append(_("departments: %(names)s") % {"names": names(data["departments"])})
    if data.get("lead") and len(data.get("departments") or []) > 1:
        lines.append(_("lead: %(name)s") % {"name": names([data["lead"]])})
    if isinstance(data.get("department"), int):
        lines.append(_("department: %(name)s") % {"name": names([data["department"]])})
    if data.get("suggested_department"):
        lines.append(_("suggested owner: %(name)s") % {"name": names([data["suggested_department"]])})
    elif data.get("suggested_owner"):
        lines.append(_("suggested owner: %(name)s") % {"name": data["suggested_owner"]})
    if action == CaseAction.ESCALATE:
        lines.append(
            _("from the %(low)s to the %(high)s")
            % {
                "low": LEVEL_NAMES.get(data.get("from_level"), ""),
                "high": LEVEL_NAMES.get(data.get("to_level"), ""),
            }
        )
    if action == CaseAction.MERGE and data.get("serial"):
        text = _("merged into %(serial)s") if data.get("into") else _("absorbed %(serial)s")
        lines.append(text % {"serial": data["serial"]})
    return lines


def _time(action: str, data: dict, names) -> list[str]:
    lines = []
    if action in (CaseAction.WARNING, CaseAction.OVERDUE) and data.get("kind"):
        lines.append(_("limit: %(kind)s") % {"kind": _label(DeadlineKind, data["kind"])})
    if data.get("percent"):
        lines.append(_("%(percent)s%% of the time used") % {"percent": data["percent"]})
    if data.get("due_at"):
        lines.append(_("due %(when)s") % {"when": _when(data["due_at"])})
    if data.get("minutes_over"):
        lines.append(_("%(minutes)s minutes over the limit") % {"minutes": data["minutes_over"]})
    if action == CaseAction.EXTENSION_REQUEST and data.get("minutes"):
        lines.append(_("%(hours)s more hours asked") % {"hours": _hours(data["minutes"])})
    if action == CaseAction.EXTENSION_DECISION:
        lines.append(
            _("approved: %(hours)s more hours") % {"hours": _hours(data.get("minutes", 0))}
            if data.get("approved")
            else _("refused")
        )
    return lines


def _verdict(action: str, data: dict, names) -> list[str]:
    lines = []
    if action == CaseAction.RATE and data.get("rating"):
        lines.append(_label(Rating, data["rating"]))
    if action == CaseAction.RATE_RESPONSE and data.get("rating"):
        lines.append(_label(ResponseRating, data["rating"]))
    if action == CaseAction.SUPERVISE and data.get("level"):
        lines.append(_label(SupervisionLevel, data["level"]))
    against = data.get("against") or {}
    if against.get("departments"):
        lines.append(_("counts against: %(names)s") % {"names": names(against["departments"])})
    elif against.get("grid"):
        lines.append(_("counts against the grid"))
    return lines


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".removesuffix(".0")
