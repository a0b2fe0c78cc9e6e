"""Writes about party organisations, partner units, joint committees and the member roster."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.scope import require
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.core.db import save_or_refuse

from .models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation


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
