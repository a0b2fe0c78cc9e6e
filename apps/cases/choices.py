from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a case came from (来源)."""

    RESIDENT = "resident", _("resident self-report")
    GRID_WORKER = "grid_worker", _("grid worker")
    VISIT = "visit", _("visit")
    HOTLINE = "hotline", _("12345 hotline")
    SYSTEM = "system", _("other system")
    COUNCIL = "council", _("council resolution (议事会决议)")


# What a report may name as its channel: a council resolution's case is reported by the councils' service
# (apps.councils), never through the intake form or the API.
REPORTABLE_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.COUNCIL]


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    EMERGENCY = "emergency", _("emergency")


class CaseStatus(models.TextChoices):
    """Where a case stands. The allowed moves between them are the table in `apps.cases.states`."""

    REPORTED = "reported", _("waiting for acceptance")
    ACCEPTED = "accepted", _("accepted, to be assigned")
    REJECTED = "rejected", _("rejected")
    HANDLING = "handling", _("handled within the grid")
    DISPATCHED = "dispatched", _("dispatched to departments")
    RESOLVED = "resolved", _("resolved, to be verified")
    VERIFIED = "verified", _("verified, to be closed")
    CLOSED = "closed", _("closed")
    MERGED = "merged", _("merged into another case")


# The statuses of a case still being worked on: the default view of the inboxes.
OPEN_STATUSES = (
    CaseStatus.REPORTED,
    CaseStatus.ACCEPTED,
    CaseStatus.HANDLING,
    CaseStatus.DISPATCHED,
    CaseStatus.RESOLVED,
    CaseStatus.VERIFIED,
)


class CaseAction(models.TextChoices):
    """Every entry of a case's timeline names one of these."""

    REPORT = "report", _("reported")
    ACCEPT = "accept", _("accepted")
    REJECT = "reject", _("rejected")
    HANDLE_IN_GRID = "handle_in_grid", _("assigned to the grid")
    DISPATCH = "dispatch", _("dispatched")
    WHISTLE = "whistle", _("whistle blown")
    SIGN = "sign", _("signed for by a department")
    CHECK_IN = "check_in", _("checked in by a department")
    RESOLVE = "resolve", _("resolved")
    RETURN = "return", _("returned to sender")
    VERIFY = "verify", _("verified on site")
    SEND_BACK = "send_back", _("sent back after verification")
    CLOSE = "close", _("closed")
    RATE = "rate", _("rated by the resident")
    REOPEN = "reopen", _("reopened")
    EXTENSION_REQUEST = "extension_request", _("extension requested")
    EXTENSION_DECISION = "extension_decision", _("extension decided")
    SUSPEND = "suspend", _("suspended")
    RESUME = "resume", _("resumed")
    MERGE = "merge", _("merged")
    LEADER_CLAIM = "leader_claim", _("claimed by a leader")
    WARNING = "warning", _("deadline warning")
    OVERDUE = "overdue", _("deadline missed")
    ESCALATE = "escalate", _("escalated")
    SUPERVISE = "supervise", _("supervision issued")
    RATE_RESPONSE = "rate_response", _("department response rated")
    ATTACH = "attach", _("files attached")
    # The other system a case came from (the 12345 hotline) withdrew it while it was being worked on.
    WITHDRAW = "withdraw", _("withdrawn by the reporting system")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    FILE = "file", _("file")


class HandlingLevel(models.TextChoices):
    """Who a routing rule proposes to handle a category."""

    GRID = "grid", _("within the grid")
    COMMUNITY = "community", _("community")
    STREET = "street", _("street")
    DEPARTMENT = "department", _("department")


class IntakeRoute(models.TextChoices):
    """What staff who may triage do with a case as they report it."""

    LEAVE = "leave", _("leave it for acceptance")
    GRID = "grid", _("accept it and handle it within the grid")
    DEPARTMENT = "department", _("accept it and dispatch it to a department")
