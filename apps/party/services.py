"""Writes about party organisations, partner units, joint committees and the member roster."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import require, user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.core.db import save_or_refuse

from .choices import RegistrationAction, RegistrationSource, RegistrationState
from .models import (
    MemberRegistration,
    PartnerUnit,
    PartTimeMember,
    PartyMember,
    PartyOrganisation,
    RegistrationEvent,
    ServiceRecord,
)


def _check_may_change(*, actor, area: Area) -> None:
    require(actor, "party.change", area, _("You may not change party organisations there."))


@transaction.atomic
def organisation_create(
    *,
    actor,
    area: Area,
    parent: PartyOrganisation | None,
    name: str,
    kind: str,
    is_joint: bool = False,
    founded_on=None,
) -> PartyOrganisation:
    """An organisation bound to `area`; its parent is bound to the area above (or the same area)."""
    _check_may_change(actor=actor, area=area)
    if parent is None and area.parent_id is not None:
        raise ValidationError({"parent": _("Only the organisation of a district stands without a parent.")})
    if parent is not None and parent.area_id not in (area.pk, area.parent_id):
        raise ValidationError(
            {"parent": _("The parent organisation must be bound to this area or the one above.")}
        )
    if PartyOrganisation.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": _("This area already has an organisation of that name.")})
    organisation = PartyOrganisation(
        area=area, parent=parent, name=name, kind=kind, is_joint=is_joint, founded_on=founded_on
    )
    organisation.area = place_row(organisation, area)
    organisation.full_clean()
    save_or_refuse(organisation, {"name": _("This area already has an organisation of that name.")})
    return organisation


@transaction.atomic
def organisation_set_secretary(*, actor, organisation: PartyOrganisation, member: PartyMember | None):
    _check_may_change(actor=actor, area=organisation.area)
    if member is not None and member.organisation_id != organisation.pk:
        raise ValidationError({"secretary": _("The secretary must be a member of the organisation.")})
    organisation.secretary = member
    organisation.save(update_fields=["secretary"])
    return organisation


@transaction.atomic
def partner_unit_create(
    *,
    actor,
    area: Area,
    name: str,
    unit_type: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> PartnerUnit:
    _check_may_change(actor=actor, area=area)
    if PartnerUnit.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": _("This area already has a partner unit of that name.")})
    unit = PartnerUnit(
        area=area,
        name=name,
        unit_type=unit_type,
        address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    unit.area = place_row(unit, area)
    unit.full_clean()
    save_or_refuse(unit, {"name": _("This area already has a partner unit of that name.")})
    return unit


@transaction.atomic
def part_time_member_add(
    *, actor, organisation: PartyOrganisation, partner_unit: PartnerUnit, name: str, position: str = ""
) -> PartTimeMember:
    """A part-time member of a joint committee, from a partner unit of the committee's area."""
    _check_may_change(actor=actor, area=organisation.area)
    if not organisation.is_joint:
        raise ValidationError({"organisation": _("Only joint committees have part-time members.")})
    area = organisation.area
    if getattr(partner_unit, f"{area.level_field}_id") != area.pk:
        raise ValidationError(
            {"partner_unit": _("The partner unit must be resident in the committee's area.")}
        )
    member = PartTimeMember(
        organisation=organisation, area=area, partner_unit=partner_unit, name=name, position=position
    )
    member.area = place_row(member, area)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_add(
    *,
    actor,
    organisation: PartyOrganisation,
    name: str,
    gender: str = "",
    birth_year: int | None = None,
    joined_on=None,
    is_working_member: bool = False,
    workplace: str = "",
) -> PartyMember:
    _check_may_change(actor=actor, area=organisation.area)
    member = PartyMember(
        organisation=organisation,
        area=organisation.area,
        name=name,
        gender=gender,
        birth_year=birth_year,
        joined_on=joined_on,
        is_working_member=is_working_member,
        workplace=workplace,
    )
    member.area = place_row(member, organisation.area)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_transfer(*, actor, member: PartyMember, organisation: PartyOrganisation) -> PartyMember:
    """Move a member to another organisation: a member is on exactly one roster at a time."""
    _check_may_change(actor=actor, area=member.area)
    _check_may_change(actor=actor, area=organisation.area)
    member.organisation = organisation
    member.area = organisation.area
    member.area = place_row(member, organisation.area)
    member.save()
    return member


# Member registration (在职党员到社区报到) and service logs.

MAX_SERVICE_HOURS = Decimal(24)


def _record_event(
    *,
    registration: MemberRegistration,
    action: str,
    actor,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> RegistrationEvent:
    return RegistrationEvent.objects.create(
        registration=registration,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def _check_placement(*, community: Area, area: Area) -> None:
    """A member is assigned to a grid or building of their residence community."""
    if area.level not in (AreaLevel.GRID, AreaLevel.BUILDING) or area.community_id != community.pk:
        raise ValidationError({"area": _("Choose a grid or building of the member's community.")})
    if not area.is_active:
        raise ValidationError({"area": _("This area is no longer in use.")})


def _locked(registration: MemberRegistration) -> MemberRegistration:
    """The registration locked for a change and read afresh, so that a concurrent change waits."""
    return (
        MemberRegistration.objects.select_for_update(of=("self",))
        .select_related("community", "member__organisation__area")
        .get(pk=registration.pk)
    )


def _check_active(registration: MemberRegistration) -> None:
    if registration.state != RegistrationState.ACTIVE:
        raise ValidationError(_("This registration has ended."))


def may_register(actor, *, member: PartyMember, community: Area, source: str) -> bool:
    """The community side registers with "cogov.change" at the community; the organisation side with
    "party.change" at the area of the member's organisation."""
    scope = user_scope(actor)
    if source == RegistrationSource.COMMUNITY:
        return scope.holds("cogov.change", community)
    return scope.holds("party.change", member.organisation.area)


def may_end(actor, registration: MemberRegistration) -> bool:
    """Either side may end a registration."""
    scope = user_scope(actor)
    return scope.holds("cogov.change", registration.community) or scope.holds(
        "party.change", registration.member.organisation.area
    )


@transaction.atomic
def registration_create(
    *,
    actor,
    member: PartyMember,
    community: Area,
    source: str,
    area: Area | None = None,
    note: str = "",
) -> MemberRegistration:
    """Register a working member with their residence community, from either side; `area` (a grid or
    building of the community) assigns them at once. One active registration per member."""
    if source not in RegistrationSource.values:
        raise ValidationError({"source": _("Choose the side that registers the member.")})
    if community.level != AreaLevel.COMMUNITY:
        raise ValidationError({"community": _("Members register with a community.")})
    if not community.is_active:
        raise ValidationError({"community": _("This community is no longer in use.")})
    if actor is not None and not may_register(actor, member=member, community=community, source=source):
        raise ValidationError(
            {
                "source": _("You may not register members with this community.")
                if source == RegistrationSource.COMMUNITY
                else _("You may not register members of this organisation.")
            }
        )
    if not member.is_working_member:
        raise ValidationError({"member": _("Only working members (在职党员) register with a community.")})
    if area is not None:
        _check_placement(community=community, area=area)
    already = _("This member is already registered with a community; end that registration first.")
    if MemberRegistration.objects.filter(member=member, state=RegistrationState.ACTIVE).exists():
        raise ValidationError({"member": already})
    registration = MemberRegistration(
        member=member, area=area or community, source=source, registered_by=actor
    )
    registration.area = place_row(registration, area or community)
    registration.full_clean(validate_constraints=False)
    # Two registrations of one member at once: the partial unique constraint lets one through.
    save_or_refuse(registration, {"member": already})
    _record_event(
        registration=registration,
        action=RegistrationAction.REGISTERED,
        actor=actor,
        to_state=RegistrationState.ACTIVE,
        note=note,
        data={"community": community.pk, "area": registration.area_id, "source": source},
    )
    return registration


@transaction.atomic
def registration_assign(
    *, actor, registration: MemberRegistration, area: Area, note: str = ""
) -> MemberRegistration:
    """The community assigns a registered member to one of its grids or buildings."""
    registration = _locked(registration)
    require(
        actor,
        "cogov.change",
        registration.community,
        _("You may not assign the members registered with this community."),
    )
    _check_active(registration)
    _check_placement(community=registration.community, area=area)
    if area.pk == registration.area_id:
        raise ValidationError({"area": _("The member is already assigned there.")})
    before = registration.area_id
    registration.area = place_row(registration, area)
    registration.save(update_fields=["area", "district", "street", "community", "grid", "building"])
    _record_event(
        registration=registration,
        action=RegistrationAction.ASSIGNED,
        actor=actor,
        note=note,
        data={"from_area": before, "to_area": area.pk},
    )
    return registration


@transaction.atomic
def registration_end(*, actor, registration: MemberRegistration, reason: str) -> MemberRegistration:
    """End a registration (the member moved, left work, …), from either side; the reason is kept."""
    registration = _locked(registration)
    if actor is not None and not may_end(actor, registration):
        raise ValidationError(_("You may not end this registration."))
    _check_active(registration)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for ending the registration.")})
    registration.state = RegistrationState.ENDED
    registration.ended_at = timezone.now()
    registration.end_reason = reason
    registration.full_clean(validate_constraints=False)
    registration.save(update_fields=["state", "ended_at", "end_reason"])
    _record_event(
        registration=registration,
        action=RegistrationAction.ENDED,
        actor=actor,
        from_state=RegistrationState.ACTIVE,
        to_state=RegistrationState.ENDED,
        note=reason,
    )
    return registration


@transaction.atomic
def service_log(
    *,
    actor,
    registration: MemberRegistration,
    title: str,
    served_on: datetime.date,
    hours: Decimal,
    description: str = "",
) -> ServiceRecord:
    """The community records service a registered member gave: what, on which day, how many hours."""
    registration = _locked(registration)
    require(
        actor,
        "cogov.change",
        registration.community,
        _("You may not log service for the members registered with this community."),
    )
    _check_active(registration)
    errors = {}
    if not title.strip():
        errors["title"] = _("Say what the service was.")
    if served_on > timezone.localdate():
        errors["served_on"] = _("Service cannot be logged for a day in the future.")
    if hours is None or not Decimal(0) < Decimal(hours) <= MAX_SERVICE_HOURS:
        errors["hours"] = _("Hours must be more than 0 and at most 24.")
    if errors:
        raise ValidationError(errors)
    record = ServiceRecord(
        registration=registration,
        area=registration.area,
        title=title.strip(),
        description=description,
        served_on=served_on,
        hours=hours,
        recorded_by=actor,
    )
    record.area = place_row(record, registration.area)
    record.full_clean()
    record.save()
    _record_event(
        registration=registration,
        action=RegistrationAction.SERVICE_LOGGED,
        actor=actor,
        note=record.title,
        data={"record": record.pk, "served_on": served_on.isoformat(), "hours": str(record.hours)},
    )
    return record
