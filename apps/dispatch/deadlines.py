"""The deadline engine (backbone decisions 5 and 6).

A deadline counts working or around-the-clock minutes through the work calendar. The sweep claims due
rows with `select_for_update(skip_locked=True)`, so two sweepers never take the same row, and fires each
effect under a unique constraint, so a retry after a crash does nothing twice. Everything a deadline
does happens in the transaction that claims it: a killed worker or a lost broker message leaves the row
due, and the next sweep takes it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.choices import CaseAction
from apps.cases.models import Case, CaseEvent
from apps.core.db import update_each
from apps.notifications.choices import NotificationKind
from apps.notifications.services import Message, notify_many
from apps.workcalendar.clock import CalendarDays, due_time, minutes_between

from .choices import DeadlineKind, DeadlineState, EffectKind, OrderStatus
from .models import Deadline, DeadlineEffect, DispatchOrder, SlaPolicy
from .recipients import area_staff_by_id, department_handlers_by_id


def deadline_open(*, order: DispatchOrder, kind: str, policy: SlaPolicy, start: datetime) -> Deadline:
    accept = kind == DeadlineKind.ACCEPT
    deadline = Deadline(
        order=order,
        case_id=order.case_id,
        kind=kind,
        policy=policy,
        clock=policy.accept_clock if accept else policy.resolve_clock,
        minutes=policy.accept_minutes if accept else policy.resolve_minutes,
        started_at=start,
        counted_from=start,
        warn_percents=sorted(int(p) for p in policy.warn_percents if 0 < int(p) < 100),
    )
    schedule(deadline)
    deadline.save()
    return deadline


def total_minutes(deadline: Deadline) -> int:
    return deadline.minutes + deadline.extended_minutes


def schedule(deadline: Deadline, *, days: CalendarDays | None = None) -> None:
    """Set due_at, provisional and next_fire_at from the counting state (after opening, resuming,
    extending, or a change of the calendar)."""
    due = due_time(
        start=deadline.counted_from,
        minutes=max(total_minutes(deadline) - deadline.counted_minutes, 0),
        clock=deadline.clock,
        days=days,
    )
    deadline.due_at, deadline.provisional = due.due_at, due.provisional
    deadline.next_fire_at = (
        next_fire_at(deadline, days=days) if deadline.state == DeadlineState.ACTIVE else None
    )


def warn_at(deadline: Deadline, percent: int, *, days: CalendarDays | None = None) -> datetime:
    needed = total_minutes(deadline) * percent // 100 - deadline.counted_minutes
    if needed <= 0:
        return deadline.counted_from
    return due_time(start=deadline.counted_from, minutes=needed, clock=deadline.clock, days=days).due_at


def next_fire_at(deadline: Deadline, *, days: CalendarDays | None = None) -> datetime:
    if deadline.warnings_fired < len(deadline.warn_percents):
        return min(
            warn_at(deadline, deadline.warn_percents[deadline.warnings_fired], days=days), deadline.due_at
        )
    return deadline.due_at


def deadline_meet(deadline: Deadline, *, at: datetime) -> int:
    """The order did what the deadline waited for; returns the minutes over the limit (0 when on time)."""
    if deadline.state not in (DeadlineState.ACTIVE, DeadlineState.PAUSED, DeadlineState.BREACHED):
        return 0
    over = minutes_between(start=deadline.due_at, end=at, clock=deadline.clock) if at > deadline.due_at else 0
    if deadline.state != DeadlineState.BREACHED:
        deadline.state = DeadlineState.MET
    deadline.met_at, deadline.next_fire_at = at, None
    deadline.save(update_fields=["state", "met_at", "next_fire_at"])
    return over


def deadlines_cancel(order: DispatchOrder) -> None:
    Deadline.objects.filter(order=order, state__in=[DeadlineState.ACTIVE, DeadlineState.PAUSED]).update(
        state=DeadlineState.CANCELLED, next_fire_at=None
    )


def deadlines_pause(*, case, at: datetime) -> None:
    for deadline in Deadline.objects.select_for_update().filter(case=case, state=DeadlineState.ACTIVE):
        deadline.counted_minutes += minutes_between(start=deadline.counted_from, end=at, clock=deadline.clock)
        deadline.state, deadline.paused_at, deadline.next_fire_at = DeadlineState.PAUSED, at, None
        deadline.save(update_fields=["counted_minutes", "state", "paused_at", "next_fire_at"])


def deadlines_resume(*, case, at: datetime) -> None:
    for deadline in Deadline.objects.select_for_update().filter(case=case, state=DeadlineState.PAUSED):
        deadline.state, deadline.counted_from, deadline.paused_at = DeadlineState.ACTIVE, at, None
        schedule(deadline)
        deadline.save(
            update_fields=["state", "counted_from", "paused_at", "due_at", "provisional", "next_fire_at"]
        )


def deadline_extend(deadline: Deadline, *, minutes: int) -> None:
    deadline.extended_minutes += minutes
    schedule(deadline)
    deadline.save(update_fields=["extended_minutes", "due_at", "provisional", "next_fire_at"])


def deadline_reopen(deadline: Deadline) -> None:
    """A resolution was sent back: the resolve clock runs again from where it stood (it may be overdue)."""
    if deadline.state in (DeadlineState.MET,):
        deadline.state, deadline.met_at = DeadlineState.ACTIVE, None
        schedule(deadline)
        deadline.save(update_fields=["state", "met_at", "due_at", "provisional", "next_fire_at"])


def recompute_provisional(first_day=None, last_day=None) -> int:
    """The calendar gained or changed days: recompute every running provisional deadline. A paused one
    keeps the due time it had and is recomputed when it resumes (`schedule` counts from the resumption).
    Rows another transaction holds are waited for, not skipped: a skipped row would stay provisional."""
    changed = 0
    with transaction.atomic():
        provisional = Deadline.objects.filter(provisional=True, state=DeadlineState.ACTIVE)
        # Their cases first, in id order, as every action and the sweep lock a case before its deadlines:
        # so this waits for a sweep or an action under way on a case instead of deadlocking with it.
        cases = list(
            Case.objects.select_for_update()
            .filter(pk__in=provisional.values("case_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = provisional.select_for_update().filter(case_id__in=cases).order_by("pk")
        days = CalendarDays()
        for deadline in rows:
            schedule(deadline, days=days)
            deadline.save(update_fields=["due_at", "provisional", "next_fire_at"])
            changed += 1
    return changed


# The sweep.


def sweep(*, now: datetime | None = None, batch: int = 500, limit: int | None = None) -> int:
    """Fire everything due by `now`; returns the number of deadlines handled. Safe to run in parallel:
    each batch is claimed with skip_locked and handled in the transaction that claimed it."""
    handled = 0
    days = CalendarDays()  # one read of the calendar for the whole sweep
    while limit is None or handled < limit:
        moment = now or timezone.now()
        with transaction.atomic():
            # The case is claimed with its deadline, as every action on a case or its orders locks the
            # case first: a deadline whose case another sweeper or someone's action holds waits for the
            # next sweep, rather than deadlocking with it (a breach writes to the order, an escalation
            # cancels the order's other deadlines) or escalating a case being suspended.
            claimed = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self", "case"))
                .filter(state=DeadlineState.ACTIVE, next_fire_at__lte=moment)
                .select_related("order", "case")
                .only(*CLAIMED_FIELDS)
                .order_by("next_fire_at")[:batch]
            )
            if claimed:
                fire_batch(claimed, now=moment, days=days)
        handled += len(claimed)
        if len(claimed) < batch:
            break
    return handled


# What the sweep reads of a deadline, its order and its case: enough for every effect, nothing more.
CLAIMED_FIELDS = (
    *(f.attname for f in Deadline._meta.concrete_fields),
    "order__id",
    "order__status",
    "order__kind",
    "order__whistle_id",
    "order__department_id",
    "order__dispatching_area_id",
    "order__accept_breached_at",
    "order__resolve_breached_at",
    "case__id",
    "case__serial",
    "case__title",
    "case__status",
)


@dataclass
class _Batch:
    fired: set  # (deadline id, kind, threshold) of the effects recorded before
    effects: list = field(default_factory=list)
    events: list = field(default_factory=list)
    messages: list = field(default_factory=list)  # (deadline, kind, percent)
    breached: list = field(default_factory=list)


def fire_batch(claimed: list[Deadline], *, now: datetime, days: CalendarDays | None = None) -> None:
    """Everything due on a batch of claimed deadlines, written with a handful of statements. The rows are
    locked, so no other sweeper can fire them; an effect recorded already is not fired again, and the
    unique constraint on effects is the backstop (a violation rolls the whole batch back, to be taken
    again by the next sweep)."""
    days = days or CalendarDays()
    work = _Batch(
        fired=set(
            DeadlineEffect.objects.filter(deadline__in=claimed).values_list(
                "deadline_id", "kind", "threshold"
            )
        )
    )
    for deadline in claimed:
        _plan_effects(deadline, now=now, days=days, work=work)
    DeadlineEffect.objects.bulk_create(work.effects)
    update_each(Deadline, claimed, ["warnings_fired", "state", "breached_at", "next_fire_at"])
    CaseEvent.objects.bulk_create(work.events)
    orders = []
    for deadline in work.breached:
        field_name = "accept_breached_at" if deadline.kind == DeadlineKind.ACCEPT else "resolve_breached_at"
        setattr(deadline.order, field_name, deadline.due_at)
        orders.append(deadline.order)
    update_each(DispatchOrder, orders, ["accept_breached_at", "resolve_breached_at"])
    _send(work.messages)
    from .services import order_escalate  # noqa: PLC0415 - the services build on this module

    for deadline in work.breached:
        order = deadline.order
        if order.whistle_id and order.status in (OrderStatus.PENDING, OrderStatus.ACCEPTED):
            order_escalate(order=order, deadline=deadline, now=now)


def _plan_effects(deadline: Deadline, *, now: datetime, days: CalendarDays, work: _Batch) -> None:
    case, order = deadline.case, deadline.order
    data = {
        "order": order.pk,
        "deadline": deadline.pk,
        "kind": deadline.kind,
        "department": order.department_id,
        "due_at": deadline.due_at.isoformat(),
    }
    while deadline.warnings_fired < len(deadline.warn_percents) and now < deadline.due_at:
        percent = deadline.warn_percents[deadline.warnings_fired]
        if warn_at(deadline, percent, days=days) > now:
            break
        deadline.warnings_fired += 1
        if (deadline.pk, EffectKind.WARNING, percent) in work.fired:
            continue
        work.effects.append(
            DeadlineEffect(deadline=deadline, kind=EffectKind.WARNING, threshold=percent, created_at=now)
        )
        work.events.append(_event(case, CaseAction.WARNING, now, {**data, "percent": percent}))
        work.messages.append((deadline, EffectKind.WARNING, percent))
    if now >= deadline.due_at:
        deadline.warnings_fired = len(deadline.warn_percents)
        deadline.state, deadline.breached_at, deadline.next_fire_at = (
            DeadlineState.BREACHED,
            deadline.due_at,
            None,
        )
        if (deadline.pk, EffectKind.BREACH, 100) in work.fired:
            return
        work.effects.append(
            DeadlineEffect(deadline=deadline, kind=EffectKind.BREACH, threshold=100, created_at=now)
        )
        work.events.append(_event(case, CaseAction.OVERDUE, now, data))
        work.messages.append((deadline, EffectKind.BREACH, 100))
        work.breached.append(deadline)
    else:
        deadline.next_fire_at = next_fire_at(deadline, days=days)


def _event(case, action: str, now: datetime, data: dict) -> CaseEvent:
    return CaseEvent(
        case=case, action=action, from_status=case.status, to_status=case.status, data=data, created_at=now
    )


# A person who would get more notices than this from one batch of the sweep gets one digest instead,
# pointing at the inbox: a burst of missed limits must not bury the inbox.
DIGEST_AFTER = 3


def _send(messages: list) -> None:
    """The reminders (催办) and overdue notices of a batch: to the department's handlers and to the staff
    of the level that dispatched. Each is sent once: the batch runs in the transaction that records the
    effect, and the key names the deadline and the threshold."""
    if not messages:
        return
    handlers = department_handlers_by_id({d.order.department_id for d, _k, _p in messages})
    staff = area_staff_by_id({d.order.dispatching_area_id for d, _k, _p in messages})
    inbox: dict[tuple, list] = {}
    for item in messages:
        deadline, effect, _percent = item
        for side, people in (
            ("department", handlers.get(deadline.order.department_id, [])),
            ("staff", staff.get(deadline.order.dispatching_area_id, [])),
        ):
            for person in people:
                inbox.setdefault((person, effect, side), []).append(item)
    batch = []
    for (person, effect, side), items in inbox.items():
        if len(items) <= DIGEST_AFTER:
            batch.extend(_notice(person, side, *item) for item in items)
        else:
            batch.append(_digest(person, effect, side, items))
    notify_many(batch)


def _notice(person, side: str, deadline: Deadline, effect: str, percent: int) -> Message:
    case = deadline.case
    values = {"serial": case.serial, "percent": percent, "what": deadline.get_kind_display()}
    link = f"/cases/{case.pk}/"
    if effect == EffectKind.BREACH:
        title = _("Overdue: %(serial)s, the time to %(what)s has run out") % values
        return Message(
            [person], NotificationKind.OVERDUE, title, case.title, link, f"deadline:{deadline.pk}:breach"
        )
    title = _("Reminder: %(serial)s, %(percent)s%% of the time to %(what)s has passed") % values
    due = timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M")
    body = _("Due %(due)s. %(title)s") % {"due": due, "title": case.title}
    kind = NotificationKind.REMINDER if side == "department" else NotificationKind.WARNING
    return Message([person], kind, title, body, link, f"deadline:{deadline.pk}:warning:{percent}")


def _digest(person, effect: str, side: str, items: list) -> Message:
    """One notice for many deadlines, pointing at the inbox tab that lists them."""
    overdue = effect == EffectKind.BREACH
    title = (
        _("%(count)s orders have missed a time limit")
        if overdue
        else _("%(count)s orders are close to a time limit")
    ) % {"count": len(items)}
    serials = [deadline.case.serial for deadline, _effect, _percent in items]
    body = ", ".join(serials[:20]) + (" …" if len(serials) > 20 else "")
    bucket = "overdue" if overdue else ("due_soon" if side == "department" else "warnings")
    link = f"/dispatch/orders/?bucket={bucket}" if side == "department" else f"/cases/?bucket={bucket}"
    first, _effect, percent = items[0]
    kind = (
        NotificationKind.OVERDUE
        if overdue
        else NotificationKind.REMINDER
        if side == "department"
        else NotificationKind.WARNING
    )
    return Message([person], kind, title, body, link, f"digest:{first.pk}:{effect}:{percent}:{side}")
