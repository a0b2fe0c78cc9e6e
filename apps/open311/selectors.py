"""The reads behind GeoReport v2: services from the case categories, service requests from the cases an
API key may see (`restrict()` through the client's system account), and their updates from the cases'
public timelines.

What a client reads of a case is what a resident may read on the follow page (apps.cases.public): the
public steps of the timeline, phone numbers masked, never who reported it or how to reach them.
"""

from datetime import datetime

from django.core import signing
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from apps.cases.choices import OPEN_STATUSES, CaseAction, CaseStatus, Urgency
from apps.cases.models import Case, CaseEvent, Category
from apps.cases.public import PUBLIC_ACTIONS, PUBLIC_REASONS, masked
from apps.dispatch.choices import DeadlineKind, DeadlineState
from apps.dispatch.models import Deadline

from .formats import w3c
from .services import URGENCY_ATTRIBUTE

# GeoReport knows two statuses; everything still being worked on is open.
CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED)
GEOREPORT_STATUSES = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES}
MAX_REQUESTS = 1000
SIGNER_SALT = "open311.token"


def georeport_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def public_note(action: str | None, reason: str | None) -> str:
    """A timeline entry in the words of the follow page: its label, and for a rejection or a resolution
    the reason given, phone numbers masked."""
    if not action:
        return ""
    label = str(CaseAction(action).label)
    text = masked(reason or "") if action in PUBLIC_REASONS else ""
    return f"{label}: {text}" if text else label


# Services ------------------------------------------------------------------------------------------------


def services() -> list[dict]:
    categories = (
        Category.objects.filter(is_active=True).select_related("parent").order_by("sort_order", "code")
    )
    return [
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": f"{category.parent.name} / {category.name}" if category.parent else category.name,
            "metadata": True,
            "type": "realtime",
            "keywords": ",".join(
                name for name in (category.parent.name if category.parent else "", category.name) if name
            ),
            "group": category.parent.name if category.parent else "",
        }
        for category in categories
    ]


def service_definition(code: str) -> dict | None:
    """Every service takes the same optional attribute, the urgency; None for an unknown code."""
    if not Category.objects.filter(code=code, is_active=True).exists():
        return None
    return {
        "service_code": code,
        "attributes": [
            {
                "variable": True,
                "code": URGENCY_ATTRIBUTE,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 1,
                "description": str(Case._meta.get_field("urgency").verbose_name),
                "values": [{"key": value, "name": str(label)} for value, label in Urgency.choices],
            }
        ],
    }


# Service requests ----------------------------------------------------------------------------------------


def token_for(case: Case) -> str:
    """A token for a request (GeoReport's answer when an id is not known yet): GridGov always knows the
    id at once, and the token leads to it too. Signed, so it cannot be made up."""
    return signing.Signer(salt=SIGNER_SALT).sign(case.serial)


def serial_of_token(token: str) -> str | None:
    try:
        return signing.Signer(salt=SIGNER_SALT).unsign(token)
    except signing.BadSignature:
        return None


def requests_visible(user) -> QuerySet[Case]:
    """The cases `user` sees, with what a GeoReport request shows: the latest public timeline entry, and
    the current due time (the latest running or missed resolve deadline of its orders)."""
    latest = CaseEvent.objects.filter(case=OuterRef("pk"), action__in=PUBLIC_ACTIONS).order_by(
        "-created_at", "-id"
    )
    due = Deadline.objects.filter(
        case=OuterRef("pk"),
        kind=DeadlineKind.RESOLVE,
        state__in=[DeadlineState.ACTIVE, DeadlineState.BREACHED],
    ).order_by("-due_at")
    return (
        Case.objects.restrict(user)
        .select_related("category", "lead_department", "area")
        .only(
            "serial",
            "status",
            "description",
            "address",
            "longitude",
            "latitude",
            "created_at",
            "updated_at",
            "category__code",
            "category__name",
            "lead_department__name",
            "area__code",
        )
        .annotate(
            note_action=Subquery(latest.values("action")[:1]),
            note_reason=Subquery(latest.values("reason")[:1]),
            expected_at=Subquery(due.values("due_at")[:1]),
        )
    )


def requests_found(
    user,
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Case]:
    """GET requests: by id (the other filters then do not apply, as the specification says), or by
    service, status and the time requested; newest first, at most MAX_REQUESTS."""
    cases = requests_visible(user)
    if ids:
        cases = cases.filter(serial__in=ids)
    else:
        if service_codes:
            cases = cases.filter(category__code__in=service_codes)
        if statuses:
            cases = cases.filter(status__in=[s for status in statuses for s in GEOREPORT_STATUSES[status]])
        if start is not None:
            cases = cases.filter(created_at__gte=start)
        if end is not None:
            cases = cases.filter(created_at__lte=end)
    return list(cases.order_by("-created_at", "-id")[:MAX_REQUESTS])


def request_found(user, service_request_id: str) -> Case | None:
    return requests_visible(user).filter(serial=service_request_id).first()


def request_row(case: Case) -> dict:
    """A case as a GeoReport service request (from `requests_visible`)."""
    return {
        "service_request_id": case.serial,
        "status": georeport_status(case.status),
        "status_notes": public_note(case.note_action, case.note_reason),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": masked(case.description),
        "agency_responsible": case.lead_department.name if case.lead_department else "",
        "service_notice": "",
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.expected_at),
        "address": masked(case.address),
        "address_id": case.area.code,
        "zipcode": "",
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": "",
    }


# Updates (the servicerequestupdates extension) -----------------------------------------------------------


def updates_found(user, *, start: datetime, end: datetime) -> list[dict]:
    """The public timeline entries written between `start` and `end` on the cases `user` sees, oldest
    first, at most MAX_REQUESTS; each with the case's status once it was written."""
    status_then = (
        CaseEvent.objects.filter(case=OuterRef("case"))
        .exclude(to_status="")
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lte=OuterRef("id"))
        )
        .order_by("-created_at", "-id")
        .values("to_status")[:1]
    )
    events = (
        CaseEvent.objects.filter(
            case__in=Case.objects.restrict(user).values("pk"),
            action__in=PUBLIC_ACTIONS,
            created_at__gte=start,
            created_at__lte=end,
        )
        .annotate(serial=F("case__serial"), status_then=Subquery(status_then))
        .only("id", "case_id", "action", "reason", "created_at")
        .order_by("created_at", "id")[:MAX_REQUESTS]
    )
    return [
        {
            "update_id": event.pk,
            "service_request_id": event.serial,
            "status": georeport_status(event.status_then or CaseStatus.REPORTED),
            "external_status_code": event.status_then or "",
            "updated_datetime": w3c(event.created_at),
            "description": public_note(event.action, event.reason),
            "media_url": "",
        }
        for event in events
    ]
