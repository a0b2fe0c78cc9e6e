"""Which timeline entries become which webhook events, and what a subscriber is told about them.

The mapping (documented for receivers in docs/webhooks.md):

- `report` (上报) is **case.created**;
- `whistle` (吹哨) is **case.whistled**; `escalate` (a missed whistle limit going one level up) is
  **case.escalated**; `close` (结案) is **case.closed**; `rate` (the resident's verdict) is **case.rated**;
- every other entry that moves the case from one status to another (accept, reject, handle in the grid,
  dispatch, resolve, return, verify, send back, reopen, merge) is **case.status_changed**, and so are a
  whistle and a close, which also move the status.

One timeline entry is delivered to a subscription at most once, as the first of its events (in the order
above, the most specific first) that the subscription chose: a close goes to a subscriber of both
case.closed and case.status_changed once, as case.closed. The payload carries the case's status after the
entry in every event, so nothing is lost by that. Reminders, deadline warnings, supervision, extensions,
check-ins and other entries that leave the status alone are not sent.

Payloads hold no personal data: no reporter's name or phone, no description, no resident's comment.
"""

from collections import defaultdict

from django.db.models import F, Q
from django.utils import timezone

from apps.cases.choices import CaseAction, CaseStatus
from apps.cases.models import CaseEvent

from .choices import WebhookEvent

# Entries that are an event whatever they do to the status, most specific first.
ACTION_EVENTS = {
    CaseAction.REPORT: WebhookEvent.CASE_CREATED,
    CaseAction.WHISTLE: WebhookEvent.CASE_WHISTLED,
    CaseAction.ESCALATE: WebhookEvent.CASE_ESCALATED,
    CaseAction.CLOSE: WebhookEvent.CASE_CLOSED,
    CaseAction.RATE: WebhookEvent.CASE_RATED,
}

# The entries that can be an event at all: the collector reads only these from the timeline.
CANDIDATES = Q(action__in=list(ACTION_EVENTS)) | (
    ~Q(from_status="") & ~Q(to_status="") & ~Q(from_status=F("to_status"))
)

# The statuses in which a case has a resolution to report, and the entries that start a new round of work
# (after which an earlier resolution no longer holds).
RESOLVED_STATUSES = {CaseStatus.RESOLVED, CaseStatus.VERIFIED, CaseStatus.CLOSED}
NEW_ROUND = {CaseAction.REOPEN, CaseAction.SEND_BACK}


def event_types(entry: CaseEvent) -> list[str]:
    """The webhook events a timeline entry is, most specific first (empty: none)."""
    types = []
    if entry.action in ACTION_EVENTS:
        types.append(ACTION_EVENTS[entry.action])
    moved = entry.from_status and entry.to_status and entry.from_status != entry.to_status
    if moved and entry.action != CaseAction.REPORT:
        types.append(WebhookEvent.CASE_STATUS_CHANGED)
    return types


def chosen_event(types: list[str], subscribed: list[str]) -> str | None:
    """The event under which an entry goes to a subscription: the first of its types it chose."""
    return next((event for event in types if event in subscribed), None)


def resolutions(entries: list[CaseEvent]) -> dict[int, str]:
    """For each entry that leaves its case resolved, verified or closed, the handlers' accounts of this
    round of work (every `resolve` since the case was last reopened or sent back), read in one query."""
    wanted = [entry for entry in entries if _status(entry) in RESOLVED_STATUSES]
    if not wanted:
        return {}
    timelines = defaultdict(list)
    for row in (
        CaseEvent.objects.filter(
            case_id__in={entry.case_id for entry in wanted},
            action__in=[CaseAction.RESOLVE, *NEW_ROUND],
            created_at__lte=max(entry.created_at for entry in wanted),
        )
        .order_by("created_at", "id")
        .values_list("case_id", "id", "created_at", "action", "reason")
    ):
        timelines[row[0]].append(row[1:])
    texts = {}
    for entry in wanted:
        accounts = []
        for pk, at, action, reason in timelines[entry.case_id]:
            if (at, pk) > (entry.created_at, entry.pk):
                break
            if action in NEW_ROUND:
                accounts = []
            elif reason:
                accounts.append(reason)
        texts[entry.pk] = "\n\n".join(accounts)
    return texts


def _status(entry: CaseEvent) -> str:
    return entry.to_status or entry.case.status


def _moment(value) -> str:
    return timezone.localtime(value).isoformat()


def payload(entry: CaseEvent, event: str, *, resolution: str | None = None) -> dict:
    """The body sent for `entry` as `event`. `entry.case` with its category and area is read already."""
    case = entry.case
    status = _status(entry)
    body = {
        "id": entry.pk,
        "type": event,
        "occurred_at": _moment(entry.created_at),
        "action": entry.action,
        "previous_status": entry.from_status or None,
        "case": {
            "id": case.pk,
            "serial": case.serial,
            "status": status,
            "channel": case.channel,
            "urgency": case.urgency,
            "category": {"id": case.category_id, "code": case.category.code, "name": case.category.name},
            "area": {
                "id": case.area_id,
                "code": case.area.code,
                "name": case.area.name,
                "level": case.area.level,
            },
            "reported_at": _moment(case.created_at),
            "external_system": case.external_system,
            "external_ref": case.external_ref,
            "resolution": (resolution or None) if status in RESOLVED_STATUSES else None,
            "rating": entry.data.get("rating") if entry.action == CaseAction.RATE else None,
        },
    }
    if entry.action == CaseAction.WHISTLE:
        body["whistle"] = {"kind": entry.data.get("kind"), "level": entry.data.get("level")}
    elif entry.action == CaseAction.ESCALATE:
        body["escalation"] = {
            "from_level": entry.data.get("from_level"),
            "to_level": entry.data.get("to_level"),
        }
    return body
