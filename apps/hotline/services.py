"""The hotline's work orders: receiving them (idempotent by the hotline's serial number), mapping them by
hand from the triage queue or rejecting them, and the hotline withdrawing an order or relaying the caller's
rating.

An order whose category code and area code both map (to an active category, and to an active area within
the hotline's area limit) becomes a case at once, reported by the client's system account on the hotline
channel with the serial as the case's external reference. Any other order is kept, in the triage queue of
the place it could be put in, until staff map or reject it: an order is never dropped.
"""

import logging
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.scope import require
from apps.areas.choices import LEVEL_FIELDS
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.areas.validators import point_errors
from apps.cases.choices import CaseAction, CaseStatus, Channel, Urgency
from apps.cases.models import Case, Category
from apps.cases.services import PHONE, case_rate, case_reject, case_report, lock
from apps.cases.states import ConflictError
from apps.cases.timeline import record
from apps.core.crypto import decrypt, encrypt, keyed_hash

from .choices import MappingKind, OrderState, TriageReason
from .models import CodeMapping, HotlineOrder, within_limit
from .selectors import client_order

SERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# An order without a title is given the start of its description, as the public report page does.
TITLE_LENGTH = 30
# The timeline entry of a withdrawal the lifecycle has no move for (the case is already being worked on).
WITHDRAW = CaseAction.WITHDRAW
NOT_YOURS = gettext_lazy("You may not triage this order.")
# The worker's flag (see `map_soon`): it outlives a lost message by this long, then the next delivery
# queues a run again; the beat sweep runs in any case.
MAP_FLAG = "gridgov:hotline:map-queued"
MAP_FLAG_SECONDS = 10
# Small batches: a batch holds the shared locks of the area trees it placed orders in until it commits.
MAP_BATCH = 20

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Receipt:
    """What `order_accept` did: the order, whether this call created it, and for a repeated serial
    whether the payload differs from the first one (which is the one kept)."""

    order: HotlineOrder
    created: bool
    payload_differs: bool = False


def order_accept(*, client, **order) -> Receipt:
    """Keep a work order as it arrives (state "received"), for the mapping worker to turn into a case or a
    triage entry moments later (`orders_map`). The same serial from the same client never makes a second
    order, also when retries arrive at once: the first order wins, whatever the later payloads say.

    This is what the hotline's API calls: one row written, nothing read, so that a burst of orders is
    taken in as fast as it comes. Mapping needs the code tables, the area tree's lock and the case's
    timeline and deadlines, and runs in the worker."""
    receipt = _keep(client=client, **order)
    if receipt.created:
        transaction.on_commit(map_soon)
    return receipt


def order_receive(*, client, **order) -> Receipt:
    """Keep a work order and map it at once, in this transaction (seeding and tests: no worker needed). A
    repeated serial is answered as `order_accept` answers it."""
    with transaction.atomic():
        receipt = _keep(client=client, **order)
        if receipt.created:
            _map(receipt.order)
    return receipt


def _keep(
    *,
    client,
    serial: str,
    description: str,
    title: str = "",
    category_code: str = "",
    area_code: str = "",
    address: str = "",
    longitude: float | None = None,
    latitude: float | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    urgency: str = Urgency.NORMAL,
    payload: dict | None = None,
) -> Receipt:
    fields = _checked(
        serial=serial,
        title=title,
        description=description,
        category_code=category_code,
        area_code=area_code,
        address=address,
        longitude=longitude,
        latitude=latitude,
        caller_name=caller_name,
        caller_phone=caller_phone,
        urgency=urgency,
    )
    # The payload is kept as received, except the caller's phone, which is only ever stored encrypted.
    payload = {key: value for key, value in (payload or fields).items() if key != "caller_phone"}
    phone = fields["caller_phone"]
    order = HotlineOrder(
        client=client,
        serial=fields["serial"],
        category_code=fields["category_code"],
        area_code=fields["area_code"],
        title=fields["title"],
        description=fields["description"],
        address=fields["address"],
        longitude=fields["longitude"],
        latitude=fields["latitude"],
        caller_name=fields["caller_name"],
        caller_phone_encrypted=encrypt(phone),
        caller_phone_hash=keyed_hash(phone) if phone else "",
        urgency=fields["urgency"],
        payload=payload,
        state=OrderState.RECEIVED,
    )
    try:
        # Written first and looked up only when refused: a repeated serial is the exception.
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: the refusal must not break the caller's transaction
                order.save(force_insert=True)
        else:
            # The API's case: one statement in autocommit, nothing to roll back when it is refused (a
            # transaction around it would add BEGIN and COMMIT, two more round trips, to every delivery).
            order.save(force_insert=True)
    except IntegrityError:
        # Sent before (or by a concurrent retry that won the race); this delivery wrote nothing.
        known = _known(client, fields["serial"])
        if known is None:
            raise
        differs = known.payload != payload or known.caller_phone_hash != order.caller_phone_hash
        return Receipt(known, created=False, payload_differs=differs)
    return Receipt(order, created=True)


def map_soon() -> None:
    """Ask the worker to map the received orders now, once for a burst of deliveries: the first delivery
    after the worker started queues a run, the following ones find the flag and queue nothing. The beat
    sweep maps what a lost message or a broker outage left (DESIGN, backbone decision 5)."""
    from .tasks import map_received  # noqa: PLC0415 - the tasks module imports this one

    try:
        if cache.add(MAP_FLAG, 1, timeout=MAP_FLAG_SECONDS):
            map_received.delay()
    except Exception:  # the order is kept; the sweep maps it
        logger.warning("Could not queue the mapping of received hotline orders", exc_info=True)


def map_flag_clear() -> None:
    """Called by the worker before it reads the received orders: a delivery committed after this queues a
    run of its own, one committed before is read by this run."""
    cache.delete(MAP_FLAG)


def orders_map(*, batch: int = MAP_BATCH) -> int:
    """Map every received order, oldest first, in batches: each batch is claimed under row locks that other
    workers skip (two workers never map one order) and mapped in one transaction, each order within its
    own savepoint. An order whose case the rules refuse goes to the triage queue with the reason; one that
    fails otherwise stays received, is logged, and is tried again by the next run. Returns how many orders
    were mapped (into a case or the triage queue)."""
    mapped = 0
    failed: set[int] = set()
    while True:
        with transaction.atomic():
            claimed = list(
                HotlineOrder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=OrderState.RECEIVED)
                .exclude(pk__in=failed)
                .select_related("client__user", "client__area")
                .order_by("received_at", "id")[:batch]
            )
            for order in claimed:
                try:
                    with transaction.atomic():
                        _map(order)
                except ValidationError as refusal:
                    # Refused by the rules, e.g. the hotline's account may no longer report there: the
                    # order waits for staff with the reason, rather than in no queue at all.
                    with transaction.atomic():
                        _not_reportable(order.pk, refusal)
                except Exception:
                    # Anything else may pass (a deadlock, a lost connection): the next run tries again.
                    logger.exception("Could not map hotline order %s", order.pk)
                    failed.add(order.pk)
                    continue
                mapped += 1
        if len(claimed) < batch:
            return mapped


def _known(client, serial: str) -> HotlineOrder | None:
    """The order this client already sent with this serial. Not through `restrict`: a serial is the
    client's own whatever its area limit is now, and a retry must find it even after the limit moved."""
    try:
        return HotlineOrder.objects.select_related("case").get(client=client, serial=serial)
    except HotlineOrder.DoesNotExist:
        return None


def _checked(
    *,
    serial,
    title,
    description,
    category_code,
    area_code,
    address,
    longitude,
    latitude,
    caller_name,
    caller_phone,
    urgency,
) -> dict:
    """The order's fields, stripped, or a ValidationError naming every field that is wrong."""
    errors = {}
    serial = (serial or "").strip()
    description = (description or "").strip()
    title = (title or "").strip() or Truncator(" ".join(description.split())).chars(TITLE_LENGTH)
    phone = (caller_phone or "").replace(" ", "")
    if not SERIAL.match(serial):
        errors["serial"] = _(
            "Give the hotline's serial number: up to 64 letters, digits, dots, hyphens or underscores."
        )
    if not description:
        errors["description"] = _("Describe the problem.")
    elif len(description) > 4000:
        errors["description"] = _("The description is at most 4,000 characters long.")
    if len(title) > 100:
        errors["title"] = _("The title is at most 100 characters long.")
    for name, value in (("category_code", category_code), ("area_code", area_code)):
        if len((value or "").strip()) > 64:
            errors[name] = _("A code is at most 64 characters long.")
    if len((address or "").strip()) > 200:
        errors["address"] = _("The address is at most 200 characters long.")
    if len((caller_name or "").strip()) > 50:
        errors["caller_name"] = _("The caller's name is at most 50 characters long.")
    if phone and not PHONE.match(phone):
        errors["caller_phone"] = _("Enter a phone number of digits only, for example 13800138000.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Unknown urgency: use normal, urgent or emergency.")
    errors |= point_errors(longitude, latitude)
    if errors:
        raise ValidationError(errors)
    return {
        "serial": serial,
        "title": title,
        "description": description,
        "category_code": (category_code or "").strip(),
        "area_code": (area_code or "").strip(),
        "address": (address or "").strip(),
        "longitude": longitude,
        "latitude": latitude,
        "caller_name": (caller_name or "").strip(),
        "caller_phone": phone,
        "urgency": urgency,
    }


def _mapped(client, category_code: str, area_code: str) -> tuple[Category | None, Area | None]:
    """The category and area the codes map to, read in one query."""
    wanted = Q()
    if category_code:
        wanted |= Q(kind=MappingKind.CATEGORY, code=category_code)
    if area_code:
        wanted |= Q(kind=MappingKind.AREA, code=area_code)
    if not wanted:
        return None, None
    mappings = {
        mapping.kind: mapping
        for mapping in CodeMapping.objects.filter(wanted, client=client).select_related("category", "area")
    }
    category = mappings.get(MappingKind.CATEGORY)
    area = mappings.get(MappingKind.AREA)
    return (category.category if category else None), (area.area if area else None)


def _triage_reason(client, category: Category | None, area: Area | None) -> str:
    """Why the order cannot become a case on its own; blank when it can."""
    if category is None or area is None:
        unknown = {
            (True, True): TriageReason.UNKNOWN_BOTH,
            (True, False): TriageReason.UNKNOWN_CATEGORY,
            (False, True): TriageReason.UNKNOWN_AREA,
        }
        return unknown[category is None, area is None]
    if not category.is_active:
        return TriageReason.CATEGORY_RETIRED
    if not area.is_active:
        return TriageReason.AREA_RETIRED
    if not within_limit(client, area):
        return TriageReason.AREA_OUTSIDE_LIMIT
    return ""


def _map(order: HotlineOrder) -> None:
    """Turn a received order into a case, or place it in the triage queue with the reason."""
    client = order.client
    category, area = _mapped(client, order.category_code, order.area_code)
    reason = _triage_reason(client, category, area)
    order.category = category if category is not None and category.is_active else None
    order.triage_reason = reason
    if reason:
        # Waiting where it can be triaged: at the mapped place when that is usable, else at the limit.
        usable = area is not None and area.is_active and within_limit(client, area)
        order.state = OrderState.TRIAGE
        order.area = place_row(order, area if usable else client.area)
    else:
        case = _report(order, client=client, category=category, area=area)
        _placed_with(order, case)
    order.save()


def _not_reportable(pk: int, refusal: ValidationError) -> None:
    """Put a received order whose case was refused in the triage queue at the hotline's area limit, with
    the refusal as its note (read afresh: the failed mapping may have changed the instance)."""
    order = HotlineOrder.objects.select_related("client__area").get(pk=pk)
    order.state = OrderState.TRIAGE
    order.triage_reason = TriageReason.NOT_REPORTABLE
    order.note = "; ".join(refusal.messages)[:2000]
    order.area = place_row(order, order.client.area)
    order.save()


def _report(order: HotlineOrder, *, client, category: Category, area: Area) -> Case:
    """The order's case, reported by the client's system account on the hotline channel."""
    case, _created = case_report(
        actor=client.user,
        channel=Channel.HOTLINE,
        category=category,
        area=area,
        title=order.title,
        description=order.description,
        address=order.address,
        longitude=order.longitude,
        latitude=order.latitude,
        urgency=order.urgency,
        reporter_name=order.caller_name,
        reporter_phone=decrypt(order.caller_phone_encrypted),
        external_system=client.code,
        external_ref=order.serial,
    )
    return case


def _placed_with(order: HotlineOrder, case: Case) -> None:
    """The order follows its case: same place (the case's ancestors were copied under the tree's lock)."""
    order.state = OrderState.MAPPED
    order.case = case
    order.area_id = case.area_id
    for field in LEVEL_FIELDS.values():
        setattr(order, f"{field}_id", getattr(case, f"{field}_id"))


def _lock_for_triage(order: HotlineOrder, actor) -> HotlineOrder:
    order = (
        HotlineOrder.objects.select_for_update(of=("self",))
        .select_related("client__user", "client__area", "area")
        .get(pk=order.pk)
    )
    require(actor, "case.triage", order.area, NOT_YOURS)
    if order.state != OrderState.TRIAGE:
        raise ConflictError(
            _("This order is now “%(state)s”: it has been handled already.")
            % {"state": order.get_state_display()},
            code="conflict",
        )
    return order


@transaction.atomic
def order_triage_resolve(
    *, actor, order: HotlineOrder, category: Category | None, area: Area | None, remember: bool = False
) -> HotlineOrder:
    """Map a waiting order by hand: its case is reported as the hotline's. `remember` saves the codes of
    the order as mappings of this category and area, so that the next order with them maps on its own."""
    order = _lock_for_triage(order, actor)
    errors = {}
    if category is None:
        errors["category"] = _("Choose the category of the case.")
    elif not category.is_active:
        errors["category"] = _("This category is no longer in use.")
    if area is None:
        errors["area"] = _("Choose the place of the case.")
    elif not area.is_active:
        errors["area"] = _("This area has been retired.")
    elif not within_limit(order.client, area):
        errors["area"] = _("This place lies outside the area of the hotline that sent the order.")
    if errors:
        raise ValidationError(errors)
    require(actor, "case.triage", area, {"area": _("You may not triage cases in this place.")})
    case = _report(order, client=order.client, category=category, area=area)
    _placed_with(order, case)
    order.category = category
    order.triage_reason = ""
    order.resolved_by, order.resolved_at = actor, timezone.now()
    order.save()
    if remember:
        _remember(order, category=category, area=area)
    return order


def _remember(order: HotlineOrder, *, category: Category, area: Area) -> None:
    for kind, code, target in (
        (MappingKind.CATEGORY, order.category_code, {"category": category, "area": None}),
        (MappingKind.AREA, order.area_code, {"area": area, "category": None}),
    ):
        if code:
            CodeMapping.objects.update_or_create(client=order.client, kind=kind, code=code, defaults=target)


@transaction.atomic
def order_triage_reject(*, actor, order: HotlineOrder, reason: str) -> HotlineOrder:
    """Refuse a waiting order (not GridGov's business, a prank call …); the reason is kept."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the order is rejected.")})
    order = _lock_for_triage(order, actor)
    order.state = OrderState.REJECTED
    order.note = reason.strip()
    order.resolved_by, order.resolved_at = actor, timezone.now()
    order.save(update_fields=["state", "note", "resolved_by", "resolved_at"])
    return order


@transaction.atomic
def order_withdraw(*, client, serial: str, reason: str) -> HotlineOrder:
    """The hotline cancels an order (the caller called back …) while its case is not yet closed. A case
    still waiting for acceptance is rejected with the hotline's reason; a case already being worked on keeps
    going, with the withdrawal on its timeline for its staff to act on. Withdrawing twice changes nothing."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the order is withdrawn.")})
    reason = reason.strip()
    order = client_order(client, serial, lock=True)
    if order.state == OrderState.WITHDRAWN:
        return order
    if order.state == OrderState.REJECTED:
        raise ConflictError(_("This order was rejected: there is nothing to withdraw."), code="conflict")
    placed = []
    if order.state == OrderState.RECEIVED:
        # Withdrawn before it was mapped: it never becomes a case; it is filed at the hotline's area limit.
        order.area = place_row(order, order.client.area)
        placed = ["area", *LEVEL_FIELDS.values()]
    if order.case_id is not None:
        # By id: a withdrawal that waited for the mapping worker's lock reads the order as mapped, but not
        # its case through the join.
        case = lock(Case(pk=order.case_id))
        if not case.is_open:
            raise ConflictError(
                _("The case of this order is “%(status)s”: it can no longer be withdrawn.")
                % {"status": case.get_status_display()},
                code="conflict",
            )
        note = _("Withdrawn by the hotline: %(reason)s") % {"reason": reason}
        if case.status == CaseStatus.REPORTED:
            case = case_reject(case=case, actor=None, reason=note)
        else:
            record(
                case,
                action=WITHDRAW,
                actor=client.user,
                from_status=case.status,
                to_status=case.status,
                reason=note,
                data={"serial": order.serial},
            )
        order.case = case
    order.state = OrderState.WITHDRAWN
    order.withdrawn_at = timezone.now()
    order.withdraw_reason = reason
    order.save(update_fields=["state", "withdrawn_at", "withdraw_reason", *placed])
    return order


@transaction.atomic
def order_rate(*, client, serial: str, rating: str, comment: str = "") -> HotlineOrder:
    """The caller's verdict on a closed case, taken down by the hotline's call-back and relayed here:
    recorded as the resident's rating (dissatisfied reopens the case)."""
    order = client_order(client, serial)
    if order.case_id is None:
        raise ConflictError(_("This order has no case to rate."), code="conflict")
    order.case = case_rate(case=order.case, rating=rating, comment=comment or "", actor=None)
    return order
