"""Dispatch (派单), whistles (吹哨) and the departments' side of a case: sign for or check in, resolve,
return, ask for more time; and the superiors' side: decide extensions, supervise, rate responses.

Each function is one business action: keyword-only, atomic, checking access with `require` (or the
department's own handlers), moving the case through `apps.cases.services.transition`.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import require, user_scope
from apps.areas.choices import LEVEL_FIELDS, AreaLevel
from apps.areas.models import Area
from apps.cases.choices import CaseAction
from apps.cases.models import Case, Category
from apps.cases.services import NOT_YOURS, check_uploads, lock, transition
from apps.cases.states import ConflictError, check_move
from apps.cases.timeline import attach, record
from apps.departments.models import Department
from apps.notifications.choices import NotificationKind
from apps.notifications.services import notify

from .choices import (
    ACTIVE_ORDER_STATUSES,
    WHISTLE_KINDS,
    DeadlineKind,
    DeadlineState,
    ExtensionStatus,
    OrderKind,
    OrderStatus,
    ResponseRating,
    SupervisionLevel,
)
from .deadlines import deadline_extend, deadline_meet, deadline_open, deadline_reopen, deadlines_cancel
from .defaults import DEFAULT_POLICIES
from .models import Deadline, DispatchOrder, Escalation, ExtensionRequest, SlaPolicy, Supervision, Whistle
from .recipients import area_staff, department_handlers

# The whistling levels, top down: a missed limit goes one step up this list.
WHISTLE_LEVEL_ORDER = (AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT)


def rating_permission(order: DispatchOrder) -> str:
    """The level that called the department rates its response: by dispatch (triage) or by whistle."""
    return "case.triage" if order.kind == OrderKind.DISPATCH else "case.whistle"


def acting_area(actor, case: Case, permission: str) -> Area:
    """The level at which `actor` acts on the case: the lowest area on the case's chain (community,
    street, district) for which the actor holds `permission`. The system itself acts as the street."""
    chain = [case.community_id, case.street_id, case.district_id]
    if actor is None or user_scope(actor).unrestricted:
        return Area.objects.get(pk=case.street_id or case.district_id)
    held = {area_id for _level, area_id in user_scope(actor).areas(permission)}
    for area_id in chain:
        if area_id and area_id in held:
            return Area.objects.get(pk=area_id)
    raise ValidationError(NOT_YOURS)


def policy_for(*, kind: str, category: Category, level: int | None) -> SlaPolicy:
    """The policy in force for this kind of order: the most specific category (the case's own before
    its parents' before every category), then the whistling level before every level."""
    chain, node = [], category
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    candidates = SlaPolicy.objects.filter(kind=kind, is_active=True).filter(
        category_id__in=chain
    ) | SlaPolicy.objects.filter(kind=kind, is_active=True, category__isnull=True)
    best = None
    for policy in candidates:
        if policy.level is not None and policy.level != level:
            continue
        rank = (
            chain.index(policy.category_id) if policy.category_id else len(chain),
            0 if policy.level is not None else 1,
        )
        if best is None or rank < best[0]:
            best = (rank, policy)
    if best is None:
        raise ValidationError(
            _("No time limits are set for “%(kind)s”: an administrator must add an SLA policy first.")
            % {"kind": OrderKind(kind).label}
        )
    return best[1]


def _check_department(department: Department, case: Case) -> None:
    if not department.is_active:
        raise ValidationError({"department": _("%(name)s is no longer active.") % {"name": department}})
    chain = [*case.area.ancestor_ids, case.area_id]
    if not department.served_areas.filter(pk__in=chain).exists():
        raise ValidationError(
            {"department": _("%(name)s does not serve the area of this case.") % {"name": department}}
        )


def _open_order(
    *,
    case: Case,
    department: Department,
    kind: str,
    policy: SlaPolicy,
    area: Area,
    actor,
    whistle: Whistle | None = None,
    is_lead: bool = True,
    instructions: str = "",
    at=None,
    accepted: DispatchOrder | None = None,
) -> DispatchOrder:
    now = at or timezone.now()
    if DispatchOrder.objects.filter(
        case=case, department=department, status__in=ACTIVE_ORDER_STATUSES
    ).exists():
        raise ValidationError(
            {"department": _("%(name)s already has an open order on this case.") % {"name": department}}
        )
    order = DispatchOrder(
        case=case,
        whistle=whistle,
        kind=kind,
        department=department,
        is_lead=is_lead,
        policy=policy,
        dispatching_area=area,
        instructions=instructions,
        dispatched_by=actor,
        created_at=now,
    )
    for field in LEVEL_FIELDS.values():
        setattr(order, f"{field}_id", getattr(case, f"{field}_id"))
    if accepted is not None:
        # An escalated order the department had already signed for: only the resolution limit restarts.
        order.status, order.accepted_at, order.accepted_by = (
            OrderStatus.ACCEPTED,
            accepted.accepted_at,
            accepted.accepted_by,
        )
    order.save()
    if accepted is None:
        deadline_open(order=order, kind=DeadlineKind.ACCEPT, policy=policy, start=now)
    deadline_open(order=order, kind=DeadlineKind.RESOLVE, policy=policy, start=now)
    title = (
        _("New order: %(serial)s %(title)s")
        if kind == OrderKind.DISPATCH
        else _("Whistle: %(serial)s %(title)s, check in now")
    ) % {"serial": case.serial, "title": case.title}
    notify(
        recipients=department_handlers([department.pk]),
        kind=NotificationKind.DISPATCH,
        title=title,
        body=instructions,
        link=f"/cases/{case.pk}/",
        key=f"order:{order.pk}:new",
    )
    return order


@transaction.atomic
def case_dispatch(*, case: Case, department: Department, actor, instructions: str = "") -> DispatchOrder:
    """派单: send the case to a department, which must sign for it and resolve it within the limits."""
    case = lock(case)
    require(actor, "case.triage", case.area, NOT_YOURS)
    check_move(case, CaseAction.DISPATCH)
    _check_department(department, case)
    area = acting_area(actor, case, "case.triage")
    policy = policy_for(kind=OrderKind.DISPATCH, category=case.category, level=None)
    event = transition(
        case,
        action=CaseAction.DISPATCH,
        actor=actor,
        reason=instructions.strip(),
        data={"departments": [department.pk], "area": area.pk},
    )
    order = _open_order(
        case=case,
        department=department,
        kind=OrderKind.DISPATCH,
        policy=policy,
        area=area,
        actor=actor,
        instructions=instructions.strip(),
        at=event.created_at,
    )
    case.dispatched_at = case.dispatched_at or event.created_at
    case.lead_department = case.lead_department or department
    case.handled_in_grid = False
    case.save(update_fields=["status", "dispatched_at", "lead_department", "handled_in_grid", "updated_at"])
    return order


@transaction.atomic
def whistle_blow(
    *,
    case: Case,
    kind: str,
    departments: Iterable[Department],
    actor,
    reason: str,
    lead: Department | None = None,
) -> Whistle:
    """吹哨: the actor's level (community, street or district command) calls departments in. A joint
    whistle calls several at once, one of them leading."""
    departments = list(dict.fromkeys(departments))
    errors = {}
    if kind not in WHISTLE_KINDS:
        errors["kind"] = _("Choose an emergency, joint or quick whistle.")
    if not departments:
        errors["departments"] = _("Call at least one department.")
    elif kind == OrderKind.JOINT and len(departments) < 2:
        errors["departments"] = _("A joint whistle calls at least two departments.")
    if lead is not None and lead not in departments:
        errors["lead"] = _("The lead department must be one of those called.")
    if not reason.strip():
        errors["reason"] = _("Say why the whistle is blown.")
    if errors:
        raise ValidationError(errors)
    case = lock(case)
    require(actor, "case.whistle", case.area, NOT_YOURS)
    check_move(case, CaseAction.WHISTLE)
    for department in departments:
        _check_department(department, case)
    area = acting_area(actor, case, "case.whistle")
    lead = lead or departments[0]
    policy = policy_for(kind=kind, category=case.category, level=area.level)
    event = transition(
        case,
        action=CaseAction.WHISTLE,
        actor=actor,
        reason=reason.strip(),
        data={"kind": kind, "level": area.level, "departments": [d.pk for d in departments], "lead": lead.pk},
    )
    whistle = Whistle(
        case=case,
        kind=kind,
        level=area.level,
        area=area,
        reason=reason.strip(),
        blown_by=actor,
        created_at=event.created_at,
    )
    whistle.copy_ancestors(area)
    whistle.save()
    for department in departments:
        _open_order(
            case=case,
            department=department,
            kind=kind,
            policy=policy,
            area=area,
            actor=actor,
            whistle=whistle,
            is_lead=department == lead,
            instructions=reason.strip(),
            at=event.created_at,
        )
    case.dispatched_at = case.dispatched_at or event.created_at
    case.lead_department = lead
    case.handled_in_grid = False
    case.save(update_fields=["status", "dispatched_at", "lead_department", "handled_in_grid", "updated_at"])
    return whistle


def _lock_order(order: DispatchOrder, actor) -> DispatchOrder:
    """The order locked (after its case, always in that order, so two actions never deadlock), and the
    actor checked as one of its department's handlers."""
    case = lock(order.case)
    order = (
        DispatchOrder.objects.select_for_update(of=("self",)).select_related("department").get(pk=order.pk)
    )
    order.case = case
    scope = user_scope(actor) if actor is not None else None
    if scope and not scope.unrestricted and order.department_id not in scope.departments("order.handle"):
        raise ValidationError(_("Only the handlers of %(name)s may do this.") % {"name": order.department})
    return order


def _order_conflict(order: DispatchOrder) -> ConflictError:
    return ConflictError(
        _("This order is now “%(status)s”. Reload the page to see who acted.")
        % {"status": order.get_status_display()},
        code="conflict",
    )


def _deadline(order: DispatchOrder, kind: str) -> Deadline | None:
    return Deadline.objects.select_for_update().filter(order=order, kind=kind).first()


@transaction.atomic
def order_accept(*, order: DispatchOrder, actor, note: str = "") -> DispatchOrder:
    """签收 an ordinary dispatch, or 报到 (check in) to a whistle."""
    order = _lock_order(order, actor)
    if order.status != OrderStatus.PENDING:
        raise _order_conflict(order)
    if order.case.suspended_at:
        raise ConflictError(_("This case is suspended: resume it first."), code="conflict")
    now = timezone.now()
    deadline = _deadline(order, DeadlineKind.ACCEPT)
    # Past the due time is late even when no working minute has passed since (signed for at 19:00 on a
    # limit that ran out at 17:30): the fact the evaluation counts, written at the moment.
    late = deadline is not None and now > deadline.due_at
    over = deadline_meet(deadline, at=now) if deadline else 0
    order.status, order.accepted_at, order.accepted_by = OrderStatus.ACCEPTED, now, actor
    order.minutes_over += over
    order.save(update_fields=["status", "accepted_at", "accepted_by", "minutes_over"])
    action = CaseAction.SIGN if order.kind == OrderKind.DISPATCH else CaseAction.CHECK_IN
    record(
        order.case,
        action=action,
        actor=actor,
        from_status=order.case.status,
        to_status=order.case.status,
        reason=note.strip(),
        at=now,
        data={"order": order.pk, "department": order.department_id, "minutes_over": over, "late": late},
    )
    return order


@transaction.atomic
def order_resolve(*, order: DispatchOrder, actor, account: str, photos: Iterable = ()) -> DispatchOrder:
    """办结: the department's account of what it did, with photos. The case is resolved when no
    department is still working on it."""
    if not account.strip():
        raise ValidationError({"account": _("Say what was done.")})
    checked_photos, _files = check_uploads(photos)
    order = _lock_order(order, actor)
    if order.status != OrderStatus.ACCEPTED:
        if order.status == OrderStatus.PENDING:
            raise ConflictError(_("Sign for the order (or check in) before resolving it."), code="conflict")
        raise _order_conflict(order)
    case = order.case
    if case.suspended_at:
        raise ConflictError(_("This case is suspended: resume it first."), code="conflict")
    now = timezone.now()
    deadline = _deadline(order, DeadlineKind.RESOLVE)
    late = deadline is not None and now > deadline.due_at
    over = deadline_meet(deadline, at=now) if deadline else 0
    order.status, order.resolved_at, order.resolution = OrderStatus.RESOLVED, now, account.strip()
    order.minutes_over += over
    order.save(update_fields=["status", "resolved_at", "resolution", "minutes_over"])
    still_working = DispatchOrder.objects.filter(case=case, status__in=ACTIVE_ORDER_STATUSES).exists()
    data = {"order": order.pk, "department": order.department_id, "minutes_over": over, "late": late}
    if still_working:
        event = record(
            case,
            action=CaseAction.RESOLVE,
            actor=actor,
            from_status=case.status,
            to_status=case.status,
            reason=account.strip(),
            data=data,
            at=now,
        )
    else:
        event = transition(
            case, action=CaseAction.RESOLVE, actor=actor, reason=account.strip(), data=data, at=now
        )
        case.resolved_at = now
        case.save(update_fields=["status", "resolved_at", "updated_at"])
    attach(event, photos=checked_photos, actor=actor)
    return order


@transaction.atomic
def order_return(
    *,
    order: DispatchOrder,
    actor,
    grounds: str,
    suggested_department: Department | None = None,
    suggested_owner: str = "",
) -> DispatchOrder:
    """回退: the department says the case is not theirs, with grounds and a suggested owner."""
    errors = {}
    if not grounds.strip():
        errors["grounds"] = _("Give the grounds for returning the order.")
    if suggested_department is None and not suggested_owner.strip():
        errors["suggested_owner"] = _("Suggest who should handle it instead.")
    if suggested_department is not None and suggested_department.pk == order.department_id:
        errors["suggested_department"] = _("Suggest another owner than your own department.")
    if errors:
        raise ValidationError(errors)
    order = _lock_order(order, actor)
    if order.status not in ACTIVE_ORDER_STATUSES:
        raise _order_conflict(order)
    case = order.case
    now = timezone.now()
    deadlines_cancel(order)
    order.status, order.returned_at, order.return_reason = OrderStatus.RETURNED, now, grounds.strip()
    order.suggested_department, order.suggested_owner = suggested_department, suggested_owner.strip()[:100]
    order.save(
        update_fields=["status", "returned_at", "return_reason", "suggested_department", "suggested_owner"]
    )
    data = {
        "order": order.pk,
        "department": order.department_id,
        "suggested_department": suggested_department.pk if suggested_department else None,
        "suggested_owner": order.suggested_owner,
    }
    if DispatchOrder.objects.filter(case=case, status__in=ACTIVE_ORDER_STATUSES).exists():
        record(
            case,
            action=CaseAction.RETURN,
            actor=actor,
            from_status=case.status,
            to_status=case.status,
            reason=grounds.strip(),
            data=data,
            at=now,
        )
    else:
        transition(case, action=CaseAction.RETURN, actor=actor, reason=grounds.strip(), data=data, at=now)
        if case.lead_department_id == order.department_id:
            case.lead_department = None
        case.save(update_fields=["status", "lead_department", "updated_at"])
    notify(
        recipients=area_staff(order.dispatching_area_id),
        kind=NotificationKind.CASE_UPDATE,
        title=_("Returned: %(serial)s by %(name)s") % {"serial": case.serial, "name": order.department},
        body=grounds.strip(),
        link=f"/cases/{case.pk}/",
        key=f"order:{order.pk}:returned",
    )
    return order


def orders_reopen(*, case: Case) -> list[int]:
    """Verification sent the resolution back: the departments that resolved this round work on."""
    reopened = []
    for order in DispatchOrder.objects.select_for_update().filter(
        case=case, status=OrderStatus.RESOLVED, created_at__gte=case.accepted_at or case.created_at
    ):
        order.status, order.resolved_at = OrderStatus.ACCEPTED, None
        order.save(update_fields=["status", "resolved_at"])
        deadline = _deadline(order, DeadlineKind.RESOLVE)
        if deadline:
            deadline_reopen(deadline)
        reopened.append(order.pk)
    return reopened


def orders_cancel(*, case: Case) -> None:
    for order in DispatchOrder.objects.select_for_update().filter(
        case=case, status__in=ACTIVE_ORDER_STATUSES
    ):
        deadlines_cancel(order)
        order.status = OrderStatus.CANCELLED
        order.save(update_fields=["status"])


@transaction.atomic
def extension_request(*, order: DispatchOrder, actor, minutes: int, reason: str) -> ExtensionRequest:
    """延期申请: only before the resolution limit runs out, one pending request at a time."""
    errors = {}
    if not isinstance(minutes, int) or minutes < 1 or minutes > 60 * 24 * 90:
        errors["minutes"] = _("Ask for between 1 minute and 90 days.")
    if not reason.strip():
        errors["reason"] = _("Say why more time is needed.")
    if errors:
        raise ValidationError(errors)
    order = _lock_order(order, actor)
    if order.status not in ACTIVE_ORDER_STATUSES:
        raise _order_conflict(order)
    now = timezone.now()
    deadline = _deadline(order, DeadlineKind.RESOLVE)
    if deadline is None or deadline.state != DeadlineState.ACTIVE or deadline.due_at <= now:
        raise ValidationError(_("An extension can only be asked for before the deadline."))
    if order.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise ConflictError(_("An extension request is already waiting for a decision."), code="conflict")
    request = ExtensionRequest.objects.create(
        order=order, minutes=minutes, reason=reason.strip(), requested_by=actor, requested_at=now
    )
    record(
        order.case,
        action=CaseAction.EXTENSION_REQUEST,
        actor=actor,
        from_status=order.case.status,
        to_status=order.case.status,
        reason=reason.strip(),
        at=now,
        data={"order": order.pk, "request": request.pk, "minutes": minutes},
    )
    notify(
        recipients=area_staff(order.dispatching_area_id),
        kind=NotificationKind.CASE_UPDATE,
        title=_("Extension asked: %(serial)s by %(name)s")
        % {"serial": order.case.serial, "name": order.department},
        body=reason.strip(),
        link=f"/cases/{order.case_id}/",
        key=f"extension:{request.pk}:asked",
    )
    return request


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, actor, approve: bool, note: str = "") -> ExtensionRequest:
    """The level that dispatched approves or refuses the extension."""
    order = request.order
    case = lock(order.case)
    request = (
        ExtensionRequest.objects.select_for_update()
        .select_related("order__dispatching_area")
        .get(pk=request.pk)
    )
    order = request.order
    require(actor, "case.triage", order.dispatching_area, _("Only the level that dispatched may decide."))
    if request.status != ExtensionStatus.PENDING:
        raise ConflictError(_("This request has already been decided."), code="conflict")
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    now = timezone.now()
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, now, note.strip()[:500]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    data = {"order": order.pk, "request": request.pk, "approved": approve, "minutes": request.minutes}
    if approve:
        deadline = _deadline(order, DeadlineKind.RESOLVE)
        if deadline and deadline.state in (DeadlineState.ACTIVE, DeadlineState.PAUSED):
            deadline_extend(deadline, minutes=request.minutes)
            data["due_at"] = deadline.due_at.isoformat()
    record(
        case,
        action=CaseAction.EXTENSION_DECISION,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        reason=note.strip(),
        data=data,
        at=now,
    )
    notify(
        recipients=department_handlers([order.department_id]),
        kind=NotificationKind.CASE_UPDATE,
        title=(_("Extension approved: %(serial)s") if approve else _("Extension refused: %(serial)s"))
        % {"serial": case.serial},
        body=note.strip(),
        link=f"/cases/{case.pk}/",
        key=f"extension:{request.pk}:decided",
    )
    return request


@transaction.atomic
def supervise(*, case: Case, actor, level: str, note: str, order: DispatchOrder | None = None) -> Supervision:
    """督办: a superior presses the case with a normal, yellow or red card."""
    if level not in SupervisionLevel.values:
        raise ValidationError({"level": _("Choose normal, yellow card or red card.")})
    if not note.strip():
        raise ValidationError({"note": _("Say what must be done.")})
    case = lock(case)
    require(actor, "case.supervise", case.area, NOT_YOURS)
    check_move(case, CaseAction.SUPERVISE)
    if order is not None and order.case_id != case.pk:
        raise ValidationError({"order": _("This order belongs to another case.")})
    area = acting_area(actor, case, "case.supervise")
    now = timezone.now()
    supervision = Supervision(
        case=case,
        order=order,
        level=level,
        note=note.strip(),
        issued_by=actor,
        issuing_area=area,
        created_at=now,
    )
    supervision.copy_ancestors(case.area)
    supervision.save()
    record(
        case,
        action=CaseAction.SUPERVISE,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        reason=note.strip(),
        at=now,
        data={"supervision": supervision.pk, "level": level, "order": order.pk if order else None},
    )
    orders = [order] if order else DispatchOrder.objects.filter(case=case, status__in=ACTIVE_ORDER_STATUSES)
    people = department_handlers([o.department_id for o in orders])
    for area_id in {case.community_id, case.street_id} - {area.pk, None}:
        people += area_staff(area_id)
    notify(
        recipients=people,
        kind=NotificationKind.SUPERVISION,
        title=_("%(level)s: %(serial)s %(title)s")
        % {"level": SupervisionLevel(level).label, "serial": case.serial, "title": case.title},
        body=note.strip(),
        link=f"/cases/{case.pk}/",
        key=f"supervision:{supervision.pk}",
    )
    return supervision


@transaction.atomic
def order_rate_response(*, order: DispatchOrder, actor, rating: int, comment: str = "") -> DispatchOrder:
    """The whistling (or dispatching) level rates how the department answered."""
    if rating not in ResponseRating.values:
        raise ValidationError({"rating": _("Choose a rating.")})
    case = lock(order.case)
    order = (
        DispatchOrder.objects.select_for_update(of=("self",))
        .select_related("dispatching_area")
        .get(pk=order.pk)
    )
    permission = rating_permission(order)
    require(
        actor, permission, order.dispatching_area, _("Only the level that called the department may rate it.")
    )
    if order.status not in (OrderStatus.RESOLVED, OrderStatus.RETURNED, OrderStatus.ESCALATED):
        raise ConflictError(_("Rate the response once the department has finished."), code="conflict")
    if order.response_rating:
        raise ConflictError(_("This response has already been rated."), code="conflict")
    order.response_rating, order.response_comment, order.rated_by = rating, comment.strip()[:500], actor
    order.save(update_fields=["response_rating", "response_comment", "rated_by"])
    record(
        case,
        action=CaseAction.RATE_RESPONSE,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        reason=comment.strip(),
        data={"order": order.pk, "department": order.department_id, "rating": rating},
    )
    return order


def order_escalate(*, order: DispatchOrder, deadline: Deadline, now) -> Escalation | None:
    """A missed whistle limit goes one level up (community to street, street to district command): the
    higher level's whistle and order replace this one, with that level's limits. Called by the sweep
    inside its transaction; the unique constraint makes it happen once per order and level."""
    whistle = order.whistle
    position = WHISTLE_LEVEL_ORDER.index(whistle.level)
    if position + 1 >= len(WHISTLE_LEVEL_ORDER):
        return None
    to_level = WHISTLE_LEVEL_ORDER[position + 1]
    if Escalation.objects.filter(order=order, to_level=to_level).exists():
        return None
    case = order.case
    area = Area.objects.get(pk=getattr(case, f"{LEVEL_FIELDS[to_level]}_id"))
    higher = Whistle(
        case=case,
        kind=whistle.kind,
        level=to_level,
        area=area,
        reason=whistle.reason,
        escalated_from=whistle,
        created_at=now,
    )
    higher.copy_ancestors(area)
    higher.save()
    escalation = Escalation.objects.create(
        order=order, from_level=whistle.level, to_level=to_level, whistle=higher, created_at=now
    )
    deadlines_cancel(order)
    DispatchOrder.objects.filter(pk=order.pk).update(status=OrderStatus.ESCALATED)
    previous_status, order.status = order.status, OrderStatus.ESCALATED
    policy = policy_for(kind=whistle.kind, category=case.category, level=to_level)
    new_order = _open_order(
        case=case,
        department=order.department,
        kind=whistle.kind,
        policy=policy,
        area=area,
        actor=None,
        whistle=higher,
        is_lead=order.is_lead,
        instructions=whistle.reason,
        at=now,
        accepted=order if previous_status == OrderStatus.ACCEPTED else None,
    )
    record(
        case,
        action=CaseAction.ESCALATE,
        from_status=case.status,
        to_status=case.status,
        at=now,
        data={
            "order": order.pk,
            "new_order": new_order.pk,
            "department": order.department_id,
            "from_level": whistle.level,
            "to_level": to_level,
            "deadline": deadline.pk,
        },
    )
    notify(
        recipients=area_staff(area.pk, "case.whistle"),
        kind=NotificationKind.ESCALATION,
        title=_("Escalated to you: %(serial)s, %(name)s missed the limit")
        % {"serial": case.serial, "name": order.department},
        body=case.title,
        link=f"/cases/{case.pk}/",
        key=f"escalation:{escalation.pk}",
    )
    return escalation


@transaction.atomic
def sla_policy_revise(
    *,
    kind: str,
    category: Category | None,
    level: int | None,
    accept_minutes: int,
    accept_clock: str,
    resolve_minutes: int,
    resolve_clock: str,
    warn_percents: list[int],
    actor,
    note: str = "",
) -> SlaPolicy:
    """Write the next version of a policy; orders already dispatched keep the version they were given."""
    if actor is not None and not actor.is_superuser:
        raise ValidationError(_("Only administrators change time limits."))
    errors = {}
    if kind not in OrderKind.values:
        errors["kind"] = _("Unknown kind.")
    if kind == OrderKind.DISPATCH and level is not None:
        errors["level"] = _("Ordinary dispatch has no whistling level.")
    if not all(isinstance(p, int) and 0 < p < 100 for p in warn_percents):
        errors["warn_percents"] = _("Warnings are percentages between 1 and 99.")
    if accept_minutes < 1 or resolve_minutes < 1:
        errors["accept_minutes"] = _("Limits are at least one minute.")
    if errors:
        raise ValidationError(errors)
    current = SlaPolicy.objects.select_for_update().filter(kind=kind, category=category, level=level)
    latest = current.aggregate(latest=Max("version"))["latest"] or 0
    current.filter(is_active=True).update(is_active=False)
    return SlaPolicy.objects.create(
        kind=kind,
        category=category,
        level=level,
        version=latest + 1,
        accept_minutes=accept_minutes,
        accept_clock=accept_clock,
        resolve_minutes=resolve_minutes,
        resolve_clock=resolve_clock,
        warn_percents=sorted(set(warn_percents)),
        created_by=actor,
        note=note,
    )


def sla_policies_seed_defaults() -> int:
    """Version 1 of each default policy (apps.dispatch.defaults) where that kind has no policy at all:
    what a fresh installation starts with. Returns the policies written."""
    written = 0
    for kind, accept, accept_clock, resolve, resolve_clock, note in DEFAULT_POLICIES:
        if not SlaPolicy.objects.filter(kind=kind).exists():
            SlaPolicy.objects.create(
                kind=kind,
                category=None,
                level=None,
                version=1,
                accept_minutes=accept,
                accept_clock=accept_clock,
                resolve_minutes=resolve,
                resolve_clock=resolve_clock,
                warn_percents=[50, 80],
                note=note,
            )
            written += 1
    return written
