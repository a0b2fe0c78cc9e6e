"""Writes about micro wishes: post, claim, fulfil, confirm, thank or rate, withdraw.

Every action needs "cogov.change" where the wish lies: the community records claims and fulfilments on
behalf of members, organisations and partner units, which have no accounts of their own here. Every
transition locks the wish and checks its state under the lock, so two claims at once cannot both win.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import VIEW, require
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.cases.states import ConflictError
from apps.party.models import PartnerUnit, PartyMember, PartyOrganisation

from .choices import WishAction, WishState
from .models import RATING_MAX, RATING_MIN, MicroWish, WishEvent

CLAIM_DAYS = 7
FULFIL_DAYS = 14
# A wish is placed in a community, or in a grid or building inside one.
WISH_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.GRID, AreaLevel.BUILDING)


def _check_may_change(*, actor, area: Area) -> None:
    require(actor, "cogov.change", area, _("You may not manage micro wishes there."))


def remind_time(day: datetime.date) -> datetime.datetime:
    """The moment a deadline date has passed: the start of the next day, local time."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def _lock(wish: MicroWish) -> MicroWish:
    return MicroWish.objects.select_for_update(of=("self",)).select_related("area").get(pk=wish.pk)


def _record(wish: MicroWish, *, action: str, actor, from_state: str, note: str = "", data=None) -> WishEvent:
    return WishEvent.objects.create(
        wish=wish,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=wish.state,
        note=note,
        data=data or {},
        created_at=timezone.now(),
    )


def _check_state(wish: MicroWish, allowed: tuple[str, ...], message: str) -> None:
    if wish.state not in allowed:
        raise ConflictError(message % {"state": wish.get_state_display()})


@transaction.atomic
def wish_post(
    *,
    actor,
    area: Area,
    title: str,
    category: str,
    resident_name: str,
    consent: bool,
    description: str = "",
    resident=None,
    claim_by: datetime.date | None = None,
) -> MicroWish:
    """Post a resident's wish in a community (or a grid or building of one), with the resident's consent."""
    _check_may_change(actor=actor, area=area)
    errors = {}
    if area.level not in WISH_LEVELS:
        errors["area"] = _("A wish is posted in a community, or in a grid or building inside one.")
    if not consent:
        errors["consent"] = _("The resident must agree to the wish being published.")
    if not (resident_name or "").strip() and resident is not None:
        resident_name = resident.name
    if not (resident_name or "").strip():
        errors["resident_name"] = _("Give the resident's name.")
    if resident is not None and resident.community_id != area.community_id:
        errors["resident"] = _("The resident must live in the community where the wish is posted.")
    today = timezone.localdate()
    claim_by = claim_by or today + datetime.timedelta(days=CLAIM_DAYS)
    if claim_by < today:
        errors["claim_by"] = _("The date to be claimed by cannot lie in the past.")
    if errors:
        raise ValidationError(errors)
    wish = MicroWish(
        area=area,
        title=title.strip(),
        description=description.strip(),
        category=category,
        resident_name=resident_name.strip(),
        consent=True,
        resident=resident,
        claim_by=claim_by,
        created_by=actor,
        remind_at=remind_time(claim_by),
    )
    wish.area = place_row(wish, area)
    wish.full_clean()
    wish.save()
    _record(wish, action=WishAction.POST, actor=actor, from_state="", data={"claim_by": claim_by.isoformat()})
    return wish


def _claimant_field(member, organisation, partner_unit) -> tuple[str, object]:
    given = [
        (name, value)
        for name, value in (
            ("member", member),
            ("organisation", organisation),
            ("partner_unit", partner_unit),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise ValidationError(
            {"claimant": _("Name exactly one claimant: a party member, an organisation or a partner unit.")}
        )
    return given[0]


_CLAIMANT_MODELS = {"member": PartyMember, "organisation": PartyOrganisation, "partner_unit": PartnerUnit}


@transaction.atomic
def wish_claim(
    *,
    actor,
    wish: MicroWish,
    member: PartyMember | None = None,
    organisation: PartyOrganisation | None = None,
    partner_unit: PartnerUnit | None = None,
    fulfil_by: datetime.date | None = None,
    note: str = "",
) -> MicroWish:
    """Record that a party member, an organisation or a partner unit of the wish's district claims it."""
    field, claimant = _claimant_field(member, organisation, partner_unit)
    wish = _lock(wish)
    _check_may_change(actor=actor, area=wish.area)
    _check_state(wish, (WishState.POSTED,), _("This wish is already claimed (it is now “%(state)s”)."))
    claimants = _CLAIMANT_MODELS[field].objects
    visible = claimants.all() if actor is None else claimants.restrict(actor, VIEW)
    if not visible.filter(pk=claimant.pk).exists():
        raise ValidationError({field: _("Choose a claimant you can see.")})
    if claimant.district_id != wish.district_id:
        raise ValidationError({field: _("The claimant must belong to the wish's district.")})
    now = timezone.now()
    today = timezone.localdate(now)
    fulfil_by = fulfil_by or today + datetime.timedelta(days=FULFIL_DAYS)
    if fulfil_by < today:
        raise ValidationError({"fulfil_by": _("The date to be fulfilled by cannot lie in the past.")})
    source = wish.state
    setattr(wish, field, claimant)
    wish.state = WishState.CLAIMED
    wish.claimed_at = now
    wish.fulfil_by = fulfil_by
    wish.remind_at = remind_time(fulfil_by)
    wish.save(update_fields=[field, "state", "claimed_at", "fulfil_by", "remind_at"])
    _record(
        wish,
        action=WishAction.CLAIM,
        actor=actor,
        from_state=source,
        note=note.strip(),
        data={"claimant_kind": field, "claimant_id": claimant.pk, "claimant": str(claimant)},
    )
    return wish


@transaction.atomic
def wish_fulfil(*, actor, wish: MicroWish, note: str) -> MicroWish:
    """The claimant has done what was wished: record what was done."""
    if not note.strip():
        raise ValidationError({"note": _("Say what was done to fulfil the wish.")})
    wish = _lock(wish)
    _check_may_change(actor=actor, area=wish.area)
    _check_state(
        wish, (WishState.CLAIMED,), _("Only a claimed wish can be fulfilled (it is now “%(state)s”).")
    )
    source = wish.state
    wish.state = WishState.FULFILLED
    wish.fulfilled_at = timezone.now()
    wish.fulfilment_note = note.strip()
    wish.remind_at = None
    wish.save(update_fields=["state", "fulfilled_at", "fulfilment_note", "remind_at"])
    _record(wish, action=WishAction.FULFIL, actor=actor, from_state=source, note=wish.fulfilment_note)
    return wish


@transaction.atomic
def wish_confirm(*, actor, wish: MicroWish, note: str = "") -> MicroWish:
    """The community confirms, with the resident, that the wish came true."""
    wish = _lock(wish)
    _check_may_change(actor=actor, area=wish.area)
    _check_state(
        wish, (WishState.FULFILLED,), _("Only a fulfilled wish can be confirmed (it is now “%(state)s”).")
    )
    source = wish.state
    wish.state = WishState.CONFIRMED
    wish.confirmed_at = timezone.now()
    wish.save(update_fields=["state", "confirmed_at"])
    _record(wish, action=WishAction.CONFIRM, actor=actor, from_state=source, note=note.strip())
    return wish


@transaction.atomic
def wish_rate(*, actor, wish: MicroWish, rating: int | None = None, thanks: str = "") -> MicroWish:
    """The resident's thanks or rating (1 to 5), recorded once after the confirmation."""
    thanks = thanks.strip()
    if rating is not None and not RATING_MIN <= rating <= RATING_MAX:
        raise ValidationError({"rating": _("A rating is a whole number from 1 to 5.")})
    if rating is None and not thanks:
        raise ValidationError({"rating": _("Give a rating, a word of thanks, or both.")})
    wish = _lock(wish)
    _check_may_change(actor=actor, area=wish.area)
    _check_state(
        wish,
        (WishState.CONFIRMED,),
        _("Only a confirmed wish can be thanked or rated (it is now “%(state)s”)."),
    )
    if wish.rated_at is not None:
        raise ConflictError(_("The resident's thanks or rating has already been recorded."))
    wish.rating = rating
    wish.thanks = thanks
    wish.rated_at = timezone.now()
    wish.full_clean()
    wish.save(update_fields=["rating", "thanks", "rated_at"])
    _record(
        wish, action=WishAction.RATE, actor=actor, from_state=wish.state, note=thanks, data={"rating": rating}
    )
    return wish


@transaction.atomic
def wish_withdraw(*, actor, wish: MicroWish, reason: str) -> MicroWish:
    """The community takes a posted or claimed wish back, saying why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the wish is withdrawn.")})
    wish = _lock(wish)
    _check_may_change(actor=actor, area=wish.area)
    _check_state(
        wish,
        (WishState.POSTED, WishState.CLAIMED),
        _("Only a posted or claimed wish can be withdrawn (it is now “%(state)s”)."),
    )
    source = wish.state
    wish.state = WishState.WITHDRAWN
    wish.withdrawn_at = timezone.now()
    wish.withdraw_reason = reason.strip()
    wish.remind_at = None
    wish.save(update_fields=["state", "withdrawn_at", "withdraw_reason", "remind_at"])
    _record(wish, action=WishAction.WITHDRAW, actor=actor, from_state=source, note=wish.withdraw_reason)
    return wish
