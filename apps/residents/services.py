"""The writes of households and residents: one function per action, atomic, checked against the actor's
scope, each appending to the household's timeline; and the one way to read a plain ID number or phone,
`resident_reveal`, which writes the access log."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import require
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.core.crypto import decrypt, encrypt, keyed_hash
from apps.core.db import save_or_refuse
from apps.party.models import PartyMember
from apps.visits import schedule

from .choices import (
    AccessPurpose,
    Gender,
    HouseholdAction,
    HouseholdKind,
    Relation,
    Residence,
    RevealedField,
)
from .identity import clean_id_number, clean_phone, id_facts, mask_id, mask_phone
from .models import CareTag, Household, HouseholdEvent, Resident, ResidentAccess, RiskRule

HOUSEHOLD_FIELDS = ("unit", "floor", "room", "address", "kind", "notes")
RESIDENT_FIELDS = ("name", "gender", "birth_year", "relation", "residence", "party_member")


def record(household, *, action, actor=None, resident=None, reason="", data=None, at=None) -> HouseholdEvent:
    """The one writer of household timelines."""
    return HouseholdEvent.objects.create(
        household=household,
        resident=resident,
        action=action,
        actor=actor,
        reason=reason,
        data=data or {},
        created_at=at or timezone.now(),
    )


def default_address(building: Area, unit: str, room: str) -> str:
    """An address is data, written the way it is written on the door whatever the page's language."""
    return f"{building.name}{f'{unit}单元' if unit else ''}{room}室"


def clean_household(*, building, unit, floor, room, address, kind) -> tuple[dict, dict]:
    """The household's fields in their stored form and the errors by field: shared by the forms, the
    API and the workbook import, so that each refuses the same things with the same words."""
    errors = {}
    unit, room = (unit or "").strip(), (room or "").strip()
    if building is None or building.level != AreaLevel.BUILDING:
        errors["building"] = _("Choose a building.")
    elif not building.is_active:
        errors["building"] = _("This building has been retired.")
    if not room:
        errors["room"] = _("Give the room number.")
    if len(unit) > 10:
        errors["unit"] = _("A unit is at most 10 characters.")
    if len(room) > 20:
        errors["room"] = _("A room is at most 20 characters.")
    if floor is not None and not -5 <= floor <= 200:
        errors["floor"] = _("A floor lies between -5 and 200.")
    if kind not in HouseholdKind.values:
        errors["kind"] = _("Choose owner-occupied, rented, vacant or shop.")
    address = (address or "").strip()[:200]
    if not address and building is not None and not errors:
        address = default_address(building, unit, room)
    return {"unit": unit, "floor": floor, "room": room, "address": address, "kind": kind}, errors


def _refuse_taken(building, unit, room, exclude=None) -> None:
    taken = Household.objects.filter(building=building, unit=unit, room=room)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"room": _("This building already has a household in this unit and room.")})


@transaction.atomic
def household_create(
    *,
    actor,
    building: Area,
    room: str,
    kind: str,
    unit: str = "",
    floor: int | None = None,
    address: str = "",
    notes: str = "",
) -> Household:
    fields, errors = clean_household(
        building=building, unit=unit, floor=floor, room=room, address=address, kind=kind
    )
    if errors:
        raise ValidationError(errors)
    require(actor, "household.change", building, {"building": _("You may not register households here.")})
    _refuse_taken(building, fields["unit"], fields["room"])
    household = Household(**fields, notes=notes.strip())
    place_row(household, building)
    save_or_refuse(household, {"room": _("This building already has a household in this unit and room.")})
    record(household, action=HouseholdAction.CREATE, actor=actor, data={"address": household.address})
    schedule.refresh_one(household)
    return household


@transaction.atomic
def household_update(*, actor, household: Household, **changes) -> Household:
    """Change the unit, floor, room, address, kind or notes. A household that stops being a rental loses
    its risk colour (the timeline keeps it)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require(actor, "household.change", household.building, _("You may not change this household."))
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"household_update() got unexpected fields {sorted(unknown)}")
    values = {name: changes.get(name, getattr(household, name)) for name in HOUSEHOLD_FIELDS}
    fields, errors = clean_household(
        building=household.building,
        unit=values["unit"],
        floor=values["floor"],
        room=values["room"],
        address=values["address"],
        kind=values["kind"],
    )
    if errors:
        raise ValidationError(errors)
    fields["notes"] = (values["notes"] or "").strip()
    _refuse_taken(household.building, fields["unit"], fields["room"], exclude=household)
    before = {name: getattr(household, name) for name in fields}
    for name, value in fields.items():
        setattr(household, name, value)
    if household.kind != HouseholdKind.RENTED and household.risk_colour:
        household.risk_colour, household.risk_rule, household.risk_set_at = "", None, None
    save_or_refuse(household, {"room": _("This building already has a household in this unit and room.")})
    changed = {
        name: [str(before[name]), str(fields[name])] for name in fields if before[name] != fields[name]
    }
    if changed:
        record(household, action=HouseholdAction.UPDATE, actor=actor, data={"changed": changed})
        schedule.refresh_one(household)
    return household


@transaction.atomic
def household_set_risk(*, actor, household: Household, rule: RiskRule, reason: str = "") -> Household:
    """Set a rental's risk colour by a risk rule; the timeline keeps every colour with its rule."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require(actor, "household.change", household.building, _("You may not change this household."))
    if household.kind != HouseholdKind.RENTED:
        raise ValidationError({"rule": _("Only rentals have a risk colour.")})
    if not rule.is_active:
        raise ValidationError({"rule": _("This risk rule is no longer in use.")})
    previous = household.risk_colour
    household.risk_colour, household.risk_rule, household.risk_set_at = rule.colour, rule, timezone.now()
    household.save(update_fields=["risk_colour", "risk_rule", "risk_set_at", "updated_at"])
    record(
        household,
        action=HouseholdAction.RISK,
        actor=actor,
        reason=reason.strip(),
        data={"from": previous, "to": rule.colour, "rule": rule.code, "rule_name": rule.name},
        at=household.risk_set_at,
    )
    schedule.refresh_one(household)
    return household


def clean_resident(
    *, name, gender, birth_year, id_number, phone, relation, residence, today: datetime.date | None = None
) -> tuple[dict, dict]:
    """The resident's fields in stored form (plain ID number and phone included) and the errors by field.
    Gender and birth year are taken from the ID number when left blank and must agree with it otherwise."""
    errors: dict = {}
    today = today or timezone.localdate()
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the resident's name.")
    elif len(name) > 50:
        errors["name"] = _("A name is at most 50 characters.")
    number = ""
    if id_number:
        try:
            number = clean_id_number(id_number)
        except ValidationError as error:
            errors["id_number"] = error.messages[0]
    try:
        phone = clean_phone(phone)
    except ValidationError as error:
        errors["phone"], phone = error.messages[0], ""
    if gender and gender not in Gender.values:
        errors["gender"] = _("Choose male or female.")
    if birth_year is not None and not 1900 <= birth_year <= today.year:
        errors["birth_year"] = _("A birth year lies between 1900 and this year.")
    if number:
        year, sex = id_facts(number)
        if birth_year is not None and birth_year != year and "birth_year" not in errors:
            errors["birth_year"] = _("The birth year does not match the ID number.")
        if gender and gender != sex and "gender" not in errors:
            errors["gender"] = _("The gender does not match the ID number.")
        birth_year, gender = year, sex
    if relation not in Relation.values:
        errors["relation"] = _("Choose the relation to the head of household.")
    if residence not in Residence.values:
        errors["residence"] = _("Choose registered or floating.")
    fields = {
        "name": name,
        "gender": gender or "",
        "birth_year": birth_year,
        "id_number": number,
        "phone": phone,
        "relation": relation,
        "residence": residence,
    }
    return fields, errors


def protect(resident: Resident, *, id_number: str, phone: str) -> None:
    """Store the personal numbers as token, keyed hash and mask."""
    resident.id_number_encrypted = encrypt(id_number)
    resident.id_number_hash = keyed_hash(id_number)
    resident.id_number_mask = mask_id(id_number)
    resident.phone_encrypted = encrypt(phone)
    resident.phone_hash = keyed_hash(phone)
    resident.phone_mask = mask_phone(phone)


def _refuse_known_id(number: str, exclude: Resident | None = None) -> None:
    if not number:
        return
    known = Resident.objects.filter(id_number_hash=keyed_hash(number))
    if exclude is not None:
        known = known.exclude(pk=exclude.pk)
    if known.exists():
        raise ValidationError({"id_number": _("A resident with this ID number is already registered.")})


def _check_links(actor, tags: Iterable[CareTag], party_member: PartyMember | None) -> list[CareTag]:
    tags = list(tags)
    if any(not tag.is_active for tag in tags):
        raise ValidationError({"tags": _("A chosen care group is no longer in use.")})
    # No actor is the system itself (the demo seed), which sees every member.
    visible = PartyMember.objects.all() if actor is None else PartyMember.objects.restrict(actor)
    if party_member is not None and not visible.filter(pk=party_member.pk).exists():
        raise ValidationError({"party_member": _("Choose a party member you can see.")})
    return tags


@transaction.atomic
def resident_add(
    *,
    actor,
    household: Household,
    name: str,
    relation: str,
    residence: str,
    gender: str = "",
    birth_year: int | None = None,
    id_number: str = "",
    phone: str = "",
    tags: Iterable[CareTag] = (),
    party_member: PartyMember | None = None,
) -> Resident:
    fields, errors = clean_resident(
        name=name,
        gender=gender,
        birth_year=birth_year,
        id_number=id_number,
        phone=phone,
        relation=relation,
        residence=residence,
    )
    if errors:
        raise ValidationError(errors)
    require(actor, "resident.change", household.building, _("You may not register residents here."))
    tags = _check_links(actor, tags, party_member)
    _refuse_known_id(fields["id_number"])
    number, phone = fields.pop("id_number"), fields.pop("phone")
    resident = Resident(household=household, party_member=party_member, **fields)
    resident.copy_ancestors(household)
    protect(resident, id_number=number, phone=phone)
    save_or_refuse(resident, {"id_number": _("A resident with this ID number is already registered.")})
    resident.tags.set(tags)
    record(
        household,
        action=HouseholdAction.RESIDENT_ADD,
        actor=actor,
        resident=resident,
        data={"name": resident.name},
    )
    schedule.refresh_one(household)
    return resident


@transaction.atomic
def resident_update(
    *,
    actor,
    resident: Resident,
    id_number: str | None = None,
    phone: str | None = None,
    tags: Iterable[CareTag] | None = None,
    **changes,
) -> Resident:
    """Change a resident. `id_number` and `phone` None keep the stored numbers (a form shows them masked,
    so leaving them blank must not erase them); "" erases them."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require(actor, "resident.change", resident.household.building, _("You may not change this resident."))
    unknown = set(changes) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"resident_update() got unexpected fields {sorted(unknown)}")
    values = {name: changes.get(name, getattr(resident, name)) for name in RESIDENT_FIELDS}
    number = decrypt(resident.id_number_encrypted) if id_number is None else id_number
    current_phone = decrypt(resident.phone_encrypted) if phone is None else phone
    fields, errors = clean_resident(
        name=values["name"],
        gender=values["gender"],
        birth_year=values["birth_year"],
        id_number=number,
        phone=current_phone,
        relation=values["relation"],
        residence=values["residence"],
    )
    if errors:
        raise ValidationError(errors)
    party_member = values["party_member"]
    new_tags = _check_links(actor, resident.tags.all() if tags is None else tags, party_member)
    _refuse_known_id(fields["id_number"], exclude=resident)
    number, phone_value = fields.pop("id_number"), fields.pop("phone")
    changed = [name for name in fields if getattr(resident, name) != fields[name]]
    if party_member != resident.party_member:
        changed.append("party_member")
    for name, value in fields.items():
        setattr(resident, name, value)
    resident.party_member = party_member
    if keyed_hash(number) != resident.id_number_hash:
        changed.append("id_number")
    if keyed_hash(phone_value) != resident.phone_hash:
        changed.append("phone")
    protect(resident, id_number=number, phone=phone_value)
    old_tags = set(resident.tags.values_list("pk", flat=True))
    if {tag.pk for tag in new_tags} != old_tags:
        changed.append("tags")
    save_or_refuse(resident, {"id_number": _("A resident with this ID number is already registered.")})
    resident.tags.set(new_tags)
    if changed:
        # Names of what changed, never the personal numbers themselves.
        record(
            resident.household,
            action=HouseholdAction.RESIDENT_UPDATE,
            actor=actor,
            resident=resident,
            data={"changed": sorted(changed)},
        )
        schedule.refresh([resident.household_id])
    return resident


@transaction.atomic
def resident_move_out(*, actor, resident: Resident, reason: str) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require(actor, "resident.change", resident.household.building, _("You may not change this resident."))
    if not resident.is_active:
        raise ValidationError(_("This resident has already moved out."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for example where the resident moved to.")})
    resident.is_active, resident.moved_out_at = False, timezone.now()
    resident.save(update_fields=["is_active", "moved_out_at", "updated_at"])
    record(
        resident.household,
        action=HouseholdAction.RESIDENT_MOVE_OUT,
        actor=actor,
        resident=resident,
        reason=reason.strip(),
        at=resident.moved_out_at,
    )
    schedule.refresh([resident.household_id])
    return resident


UNMASK_PERMISSIONS = {
    RevealedField.ID_NUMBER: "resident.unmask_id",
    RevealedField.PHONE: "resident.unmask_phone",
}


def may_reveal(user, resident: Resident, field: str) -> bool:
    from apps.accounts.scope import user_scope  # noqa: PLC0415 - keeps the import list of the module short

    building = resident.household.building if resident.building_id is None else resident.building
    return user_scope(user).holds(UNMASK_PERMISSIONS[field], building)


@transaction.atomic
def resident_reveal(
    *, actor, resident: Resident, field: str, reason: str, ip_address: str | None = None
) -> str:
    """The plain ID number or phone, for a user whose role allows it and who gives a reason; the access log
    records who, whose, what, when and why before the value is returned."""
    if field not in UNMASK_PERMISSIONS:
        raise ValidationError({"field": _("Choose the ID number or the phone.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason you need the full number.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("A reason is at most 200 characters.")})
    if not may_reveal(actor, resident, field):
        raise ValidationError(_("Your role does not allow seeing this number in full."))
    access = ResidentAccess(
        user=actor,
        resident=resident,
        field=field,
        purpose=AccessPurpose.VIEW,
        reason=reason,
        ip_address=ip_address,
        created_at=timezone.now(),
    )
    access.copy_ancestors(resident)
    access.save()
    return decrypt(
        resident.id_number_encrypted if field == RevealedField.ID_NUMBER else resident.phone_encrypted
    )
