"""GeoReport v2 on the wire: the two formats (chosen by the URL's suffix, `.xml` or `.json`), its
date-times, and its answers, errors included.

Both formats carry the same data: JSON as is, XML with the element names of the specification. A list is
an element per item, named after its container (`services` holds `service` elements), and the root
element of an answer is named by the view (`Open311Response.root`).
"""

import re
from datetime import datetime, time
from xml.etree.ElementTree import Element, tostring

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

# The element of each item of a list, by the list's element.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Response(Response):
    def __init__(self, data, *, root: str, status: int = 200, headers=None):
        super().__init__(data, status=status, headers=headers)
        self.root = root


class Open311JSONRenderer(JSONRenderer):
    format = "json"


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        root = getattr(response, "root", "response")
        body = tostring(_element(root, data), encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'.encode()


def _element(tag: str, value) -> Element:
    element = Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        for child in value:
            element.append(_element(ITEM_TAGS[tag], child))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML.sub("", str(value))
    return element


def w3c(moment: datetime | None) -> str | None:
    """A date-time as the specification writes it: ISO 8601 with the offset, in the installation's zone
    (Asia/Shanghai: 2026-11-23T20:15:00+08:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).isoformat(timespec="seconds")


def parse_w3c(value: str, name: str) -> datetime:
    """A W3C date-time (2026-01-01T00:00:00Z, or with an offset); a bare date is its midnight and a time
    without an offset is the installation's local time."""
    text = value.strip()
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            parsed = datetime.combine(day, time()) if day else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(
            {name: _("Give a W3C date-time, for example 2026-01-01T00:00:00+08:00.")}, code="invalid"
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed
