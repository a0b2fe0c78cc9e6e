"""A service request POSTed by an Open311 client: where it lies, and the case it becomes."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.areas.models import Area
from apps.cases.choices import Channel, Urgency
from apps.cases.models import Case, Category
from apps.cases.public import TITLE_LENGTH
from apps.cases.services import case_report
from apps.integrations.models import IntegrationClient

from .places import place_of_point

# The attribute every service takes (its service definition lists it): how urgent the matter is.
URGENCY_ATTRIBUTE = "urgency"


@dataclass(frozen=True)
class RequestReport:
    """What an Open311 client sends, parsed: the view turns the form into this."""

    service_code: str
    description: str = ""
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, is_active=True).first() if code else None
    if category is None:
        raise ValidationError({"service_code": _("Unknown service_code: see services.xml for the list.")})
    return category


def _place(client: IntegrationClient, report: RequestReport) -> Area:
    """The area the request is placed in: the area whose code is `address_id`, else the smallest area
    containing the point, else (an address only) the client's area limit. Never outside that limit."""
    limit = client.area
    outside = _("This place lies outside the area this API key may report in.")
    if report.address_id:
        area = Area.objects.filter(code=report.address_id, is_active=True).first()
        if area is None:
            raise ValidationError({"address_id": _("Unknown address_id: give the code of an area.")})
        if area.pk != limit.pk and limit.pk not in area.ancestor_ids:
            raise ValidationError({"address_id": outside})
        return area
    if report.lat is not None and report.long is not None:
        area = place_of_point(limit, lng=report.long, lat=report.lat)
        if area is None:
            raise ValidationError({"lat": outside})
        return area
    if report.address_string.strip():
        return limit
    raise ValidationError({"lat": _("Say where the problem is: lat and long, address_string or address_id.")})


def _urgency(attributes: dict[str, str]) -> str:
    urgency = attributes.get(URGENCY_ATTRIBUTE) or Urgency.NORMAL
    if urgency not in Urgency.values:
        raise ValidationError(
            {
                f"attribute[{URGENCY_ATTRIBUTE}]": _("Choose one of: %(values)s.")
                % {"values": ", ".join(Urgency.values)}
            }
        )
    return urgency


def _full_name(first: str, last: str) -> str:
    # 张 + 伟 is 张伟; John + Smith is John Smith.
    first, last = first.strip(), last.strip()
    if (first + last).isascii():
        return " ".join(part for part in (first, last) if part)
    return last + first


@transaction.atomic
def open311_request_create(*, client: IntegrationClient, report: RequestReport) -> Case:
    """Report the case an Open311 client asks for, as the client's system account, through the one
    reporting service: the area limit, the category and every field are checked before anything is
    written. The reporter's name and phone are kept like any reporter's (the phone encrypted) and never
    answered back; an email address has nowhere to go and is dropped."""
    if (report.lat is None) != (report.long is None):
        raise ValidationError({"lat": _("Give both lat and long, or neither.")})
    category = _category(report.service_code)
    urgency = _urgency(report.attributes)
    area = _place(client, report)
    description = report.description.strip()
    case, _created = case_report(
        actor=client.user,
        channel=Channel.SYSTEM,
        category=category,
        area=area,
        title=Truncator(" ".join(description.split())).chars(TITLE_LENGTH) or category.name,
        description=description,
        address=report.address_string,
        longitude=report.long,
        latitude=report.lat,
        urgency=urgency,
        reporter_name=_full_name(report.first_name, report.last_name),
        reporter_phone=report.phone,
        external_system=client.code,
    )
    return case
