"""Case lifecycle actions (backbone decision 4): one function per action, each atomic, each checking the
lifecycle table under the case's row lock and appending to the timeline.

Dispatching to departments and whistles live in `apps.dispatch.services`; they move the case through
`transition` below so that the table and the timeline stay the one path.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.scope import require
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.areas.validators import point_errors
from apps.core.crypto import encrypt, keyed_hash
from apps.core.uploads import check_file, check_photo

from .choices import CaseAction, CaseStatus, Channel, Rating, Urgency
from .models import Case, CaseEvent, Category
from .states import ConflictError, check_move
from .timeline import attach, record

PHONE = re.compile(r"^\+?[0-9][0-9-]{5,18}[0-9]$")
# Lazy: translated when shown, in the language of the request, not once at import.
NOT_YOURS = gettext_lazy("You may not do this on this case.")


def lock(case: Case) -> Case:
    """The case as the database holds it now, locked until the transaction ends: of two people acting on
    one case at once, the second waits here and then finds the case already moved on."""
    return Case.objects.select_for_update(of=("self",)).select_related("area").get(pk=case.pk)


def transition(
    case: Case, *, action: str, actor, reason: str = "", data: dict | None = None, at=None
) -> CaseEvent:
    """Move a locked case by `action` according to the lifecycle table, and record it."""
    target = check_move(case, action)
    source = case.status
    case.status = target
    return record(
        case,
        action=action,
        actor=actor,
        from_status=source,
        to_status=target,
        reason=reason,
        data=data,
        at=at,
    )


def check_uploads(photos: Iterable = (), files: Iterable = ()) -> tuple[list, list]:
    """Every upload checked before anything is written: (upload, content type) pairs."""
    errors, checked_photos, checked_files = [], [], []
    for upload in photos:
        try:
            checked_photos.append((upload, check_photo(upload)))
        except ValidationError as error:
            errors.extend(error.messages)
    for upload in files:
        try:
            checked_files.append((upload, check_file(upload)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return checked_photos, checked_files


@transaction.atomic
def case_report(
    *,
    actor,
    channel: str,
    category: Category,
    area: Area,
    title: str,
    description: str,
    address: str = "",
    longitude: float | None = None,
    latitude: float | None = None,
    urgency: str = Urgency.NORMAL,
    reporter_name: str = "",
    reporter_phone: str = "",
    external_system: str = "",
    external_ref: str = "",
    idempotency_key: str = "",
    photos: Iterable = (),
    files: Iterable = (),
) -> tuple[Case, bool]:
    """Report a case (上报). `actor` None is a resident on the public page. Returns (case, created): the
    same idempotency key from the same reporter, or the same external reference from the same system,
    returns the case that already exists instead of writing a second."""
    existing = _already_reported(actor, idempotency_key, external_system, external_ref)
    if existing:
        return existing, False
    phone = reporter_phone.replace(" ", "")
    errors = _report_errors(
        channel=channel,
        urgency=urgency,
        category=category,
        area=area,
        title=title,
        description=description,
        longitude=longitude,
        latitude=latitude,
        phone=phone,
        external_system=external_system,
        external_ref=external_ref,
    )
    if errors:
        raise ValidationError(errors)
    require(actor, "case.report", area, {"area": _("You may not report cases in this area.")})
    checked_photos, checked_files = check_uploads(photos, files)

    now = timezone.now()
    case = Case(
        channel=channel,
        category=category,
        area=area,
        title=title.strip()[:100],
        description=description.strip(),
        address=address.strip()[:200],
        longitude=longitude,
        latitude=latitude,
        urgency=urgency,
        reporter_name=reporter_name.strip()[:50],
        reporter_phone_encrypted=encrypt(phone),
        reporter_phone_hash=keyed_hash(phone),
        external_system=external_system,
        external_ref=external_ref,
        idempotency_key=idempotency_key,
        created_by=actor if actor and actor.is_authenticated else None,
        created_at=now,
    )
    place_row(case, area)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # A concurrent retry with the same key or reference won the race: answer with its case.
        existing = _already_reported(actor, idempotency_key, external_system, external_ref)
        if existing:
            return existing, False
        raise
    case.serial = f"{timezone.localdate(now):%Y%m%d}{case.pk:07d}"
    Case.objects.filter(pk=case.pk).update(serial=case.serial)
    event = record(
        case,
        action=CaseAction.REPORT,
        actor=case.created_by,
        to_status=case.status,
        data={"channel": channel},
        at=now,
    )
    attach(event, photos=checked_photos, files=checked_files, actor=case.created_by)
    return case, True


def _report_errors(
    *,
    channel,
    urgency,
    category,
    area,
    title,
    description,
    longitude,
    latitude,
    phone,
    external_system,
    external_ref,
) -> dict:
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Unknown urgency.")
    if not category.is_active:
        errors["category"] = _("This category is no longer in use.")
    if not area.is_active:
        errors["area"] = _("This area has been retired.")
    if not title.strip():
        errors["title"] = _("Give the case a short title.")
    if not description.strip():
        errors["description"] = _("Describe the problem.")
    errors |= point_errors(longitude, latitude)
    if phone and not PHONE.match(phone):
        errors["reporter_phone"] = _("Enter a phone number of digits only, for example 13800138000.")
    if external_ref and not external_system:
        errors["external_system"] = _("Name the system the external reference belongs to.")
    return errors


def _already_reported(actor, idempotency_key: str, external_system: str, external_ref: str) -> Case | None:
    if idempotency_key and actor is not None:
        found = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if found:
            return found
    if external_ref:
        return Case.objects.filter(external_system=external_system, external_ref=external_ref).first()
    return None


@transaction.atomic
def case_accept(*, case: Case, actor) -> Case:
    case = lock(case)
    require(actor, "case.triage", case.area, NOT_YOURS)
    transition(case, action=CaseAction.ACCEPT, actor=actor)
    case.accepted_at = timezone.now()
    case.save(update_fields=["status", "accepted_at", "updated_at"])
    return case


@transaction.atomic
def case_reject(*, case: Case, actor, reason: str) -> Case:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is not accepted.")})
    case = lock(case)
    require(actor, "case.triage", case.area, NOT_YOURS)
    transition(case, action=CaseAction.REJECT, actor=actor, reason=reason.strip())
    case.save(update_fields=["status", "updated_at"])
    return case


@transaction.atomic
def case_handle_in_grid(*, case: Case, actor, note: str = "") -> Case:
    """Keep the case in the grid (小事不出网格): the grid's workers settle it."""
    case = lock(case)
    require(actor, "case.triage", case.area, NOT_YOURS)
    if case.grid_id is None:
        raise ValidationError(_("This case is not placed in a grid, so the grid cannot handle it."))
    transition(case, action=CaseAction.HANDLE_IN_GRID, actor=actor, reason=note.strip())
    case.handled_in_grid = True
    case.save(update_fields=["status", "handled_in_grid", "updated_at"])
    return case


@transaction.atomic
def case_resolve_in_grid(*, case: Case, actor, account: str, photos: Iterable = ()) -> Case:
    """The grid's account of what it did; departments report through `order_resolve` instead."""
    if not account.strip():
        raise ValidationError({"account": _("Say what was done.")})
    checked_photos, _files = check_uploads(photos)
    case = lock(case)
    require(actor, "case.handle", case.area, NOT_YOURS)
    if case.status != CaseStatus.HANDLING:
        check_move(case, CaseAction.RESOLVE)
        raise ConflictError(_("Departments are handling this case: they report the resolution."))
    event = transition(case, action=CaseAction.RESOLVE, actor=actor, reason=account.strip())
    attach(event, photos=checked_photos, actor=actor)
    case.resolved_at = event.created_at
    case.save(update_fields=["status", "resolved_at", "updated_at"])
    return case


@transaction.atomic
def case_verify(*, case: Case, actor, passed: bool, note: str = "", photos: Iterable = ()) -> Case:
    """On-site check by the grid or community: passed, or sent back to whoever resolved it."""
    if not passed and not note.strip():
        raise ValidationError({"note": _("Say what is still wrong.")})
    checked_photos, _files = check_uploads(photos)
    case = lock(case)
    require(actor, "case.handle", case.area, NOT_YOURS)
    if passed:
        event = transition(case, action=CaseAction.VERIFY, actor=actor, reason=note.strip())
        case.verified_at = event.created_at
    else:
        check_move(case, CaseAction.SEND_BACK)
        from apps.dispatch.services import orders_reopen  # noqa: PLC0415 - dispatch builds on cases

        reopened = orders_reopen(case=case)
        case.status = CaseStatus.DISPATCHED if reopened else CaseStatus.HANDLING
        case.resolved_at = None
        event = record(
            case,
            action=CaseAction.SEND_BACK,
            actor=actor,
            from_status=CaseStatus.RESOLVED,
            to_status=case.status,
            reason=note.strip(),
            data={"orders": reopened},
        )
    attach(event, photos=checked_photos, actor=actor)
    case.save(update_fields=["status", "verified_at", "resolved_at", "updated_at"])
    return case


@transaction.atomic
def case_close(*, case: Case, actor, note: str = "") -> Case:
    case = lock(case)
    require(actor, "case.triage", case.area, NOT_YOURS)
    event = transition(case, action=CaseAction.CLOSE, actor=actor, reason=note.strip())
    case.closed_at = event.created_at
    case.save(update_fields=["status", "closed_at", "updated_at"])
    return case


@transaction.atomic
def case_rate(*, case: Case, rating: str, comment: str = "", actor=None) -> Case:
    """The resident's verdict, from the rating link (no account) or taken down by staff on a call-back
    (回访). Dissatisfied reopens the case and counts against whoever handled it."""
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or dissatisfied.")})
    case = lock(case)
    if actor is not None:
        require(actor, "case.triage", case.area, NOT_YOURS)
    check_move(case, CaseAction.RATE)
    if case.rated_at:
        raise ConflictError(_("This case has already been rated."), code="conflict")
    now = timezone.now()
    # Who handled the case is written with the verdict: the evaluation counts it for them even if the
    # case is later handed to someone else.
    handlers = _handlers(case)
    record(
        case,
        action=CaseAction.RATE,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        reason=comment.strip(),
        data={"rating": rating, "handlers": handlers},
        at=now,
    )
    case.rating, case.rating_comment, case.rated_at = rating, comment.strip()[:500], now
    if rating == Rating.DISSATISFIED:
        transition(
            case,
            action=CaseAction.REOPEN,
            actor=actor,
            reason=comment.strip(),
            data={"against": handlers},
            at=now,
        )
        case.reopen_count += 1
        # A new round: it will be accepted, dispatched, resolved and rated again.
        case.accepted_at, case.resolved_at, case.verified_at, case.closed_at = now, None, None, None
        case.rating, case.rating_comment, case.rated_at = "", "", None
        case.handled_in_grid = False
    case.save()
    return case


def _handlers(case: Case) -> dict:
    """Who handled the round being judged: the departments whose orders resolved it, or the grid."""
    from apps.dispatch.choices import OrderStatus  # noqa: PLC0415
    from apps.dispatch.models import DispatchOrder  # noqa: PLC0415

    # The orders of earlier rounds stay resolved after a reopen: only this round's are judged.
    departments = sorted(
        DispatchOrder.objects.filter(
            case=case, status=OrderStatus.RESOLVED, created_at__gte=case.accepted_at or case.created_at
        ).values_list("department_id", flat=True)
    )
    return {"departments": departments, "grid": case.grid_id if case.handled_in_grid else None}


@transaction.atomic
def case_suspend(*, case: Case, actor, reason: str) -> Case:
    """挂起: the clocks of every running deadline pause until the case is resumed."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is suspended.")})
    case = lock(case)
    require(actor, "case.triage", case.area, NOT_YOURS)
    event = transition(case, action=CaseAction.SUSPEND, actor=actor, reason=reason.strip())
    from apps.dispatch.deadlines import deadlines_pause  # noqa: PLC0415

    deadlines_pause(case=case, at=event.created_at)
    case.suspended_at = event.created_at
    case.save(update_fields=["suspended_at", "updated_at"])
    return case


@transaction.atomic
def case_resume(*, case: Case, actor, note: str = "") -> Case:
    case = lock(case)
    require(actor, "case.triage", case.area, NOT_YOURS)
    event = transition(case, action=CaseAction.RESUME, actor=actor, reason=note.strip())
    from apps.dispatch.deadlines import deadlines_resume  # noqa: PLC0415

    deadlines_resume(case=case, at=event.created_at)
    case.suspended_at = None
    case.save(update_fields=["suspended_at", "updated_at"])
    return case


@transaction.atomic
def case_merge(*, case: Case, into: Case, actor, note: str = "") -> Case:
    """Merge a duplicate into the case that goes on; the duplicate's open orders are cancelled."""
    if case.pk == into.pk:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    first, second = sorted([case, into], key=lambda c: c.pk)
    first, second = lock(first), lock(second)
    case, into = (first, second) if first.pk == case.pk else (second, first)
    require(actor, "case.triage", case.area, NOT_YOURS)
    require(actor, "case.view", into.area, {"into": _("No such case.")})
    if not into.is_open:
        raise ValidationError({"into": _("Merge into an open case.")})
    transition(
        case,
        action=CaseAction.MERGE,
        actor=actor,
        reason=note.strip(),
        data={"into": into.pk, "serial": into.serial},
    )
    from apps.dispatch.services import orders_cancel  # noqa: PLC0415

    orders_cancel(case=case)
    record(
        into,
        action=CaseAction.MERGE,
        actor=actor,
        from_status=into.status,
        to_status=into.status,
        reason=note.strip(),
        data={"merged": case.pk, "serial": case.serial},
    )
    case.merged_into = into
    case.save(update_fields=["status", "merged_into", "updated_at"])
    return case


@transaction.atomic
def case_leader_claim(*, case: Case, actor, note: str = "") -> Case:
    """领导认领: a leader takes personal charge of a case; it is shown on the case and in the inboxes."""
    case = lock(case)
    require(actor, "case.supervise", case.area, NOT_YOURS)
    if case.leader_claimed_by_id:
        raise ConflictError(
            _("%(name)s has already claimed this case.") % {"name": case.leader_claimed_by.display_name},
            code="conflict",
        )
    event = transition(case, action=CaseAction.LEADER_CLAIM, actor=actor, reason=note.strip())
    case.leader_claimed_by, case.leader_claimed_at = actor, event.created_at
    case.save(update_fields=["leader_claimed_by", "leader_claimed_at", "updated_at"])
    return case
