"""Builders shared by the co-building tests: agreements, rounds and a second unit, through the services."""

import datetime

from django.core.exceptions import ValidationError

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.cobuilding import services
from apps.cobuilding.models import today
from apps.party.choices import PartnerUnitType
from apps.party.services import partner_unit_create
from tests.builders import PASSWORD

DAY = datetime.timedelta(days=1)


def agree(area, unit, *, title: str = "共建协议", valid_from=None, valid_until=None, actor=None):
    start = valid_from or datetime.date(today().year, 1, 1)
    return services.agreement_create(
        actor=actor,
        area=area,
        partner_unit=unit,
        title=title,
        signed_on=start,
        valid_from=start,
        valid_until=valid_until or datetime.date(today().year + 1, 12, 31),
    )


def unit_in(area, name: str = "驻区医院"):
    return partner_unit_create(actor=None, area=area, name=name, unit_type=PartnerUnitType.HOSPITAL)


def open_round(area, *, year=None, opens_on=None, closes_on=None):
    return services.round_create(
        actor=None,
        area=area,
        year=year or today().year,
        opens_on=opens_on or today() - 3 * DAY,
        closes_on=closes_on or today() + 10 * DAY,
    )


def worker_of(area, username: str, role: str = Role.COMMUNITY_WORKER):
    user = user_create(username=username, password=PASSWORD, full_name=username)
    role_grant(actor=None, user=user, role=role, area=area)
    return user


def codes(error: ValidationError) -> dict[str, list[str]]:
    """The codes of a service's ValidationError, by field ("__all__" when it names none)."""
    if not hasattr(error, "error_dict"):
        return {"__all__": [e.code for e in error.error_list]}
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
