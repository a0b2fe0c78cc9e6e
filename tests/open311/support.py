"""Calling GeoReport v2 as a client would: the key as the api_key parameter, answers read in either
format (XML parsed with xml.etree, element names as the specification gives them)."""

import json
import xml.etree.ElementTree as ET

from rest_framework.test import APIClient

from apps.areas.services import area_update

BASE = "/open311/v2/"
FORMATS = ("xml", "json")


def georeport() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def url(resource: str, fmt: str) -> str:
    return f"{BASE}{resource}.{fmt}"


def xml_of(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own answer


LISTS = {"services", "service_requests", "service_request_updates", "errors", "attributes", "values"}


def _plain(element: ET.Element):
    """An element as JSON would carry it: a list for the specification's lists, a mapping of children,
    or its text."""
    if element.tag in LISTS:
        return [_plain(child) for child in element]
    if len(element):
        return {child.tag: _plain(child) for child in element}
    return element.text


def body(response, fmt: str):
    """The answer as plain data, checking the format: JSON as sent, XML with its root element name
    and its items' names checked and the texts compared as strings."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        return json.loads(response.content)
    return _plain(xml_of(response))


def text(value) -> str | None:
    """A JSON value as the XML answer writes it."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rectangle(west: float, south: float, east: float, north: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def draw_boundaries(city) -> None:
    """Nested rectangles: street 1 west of street 2; in street 1, community 1 in its west half; in it,
    grid 1 in the south-west quarter and its building 1 in the south-west corner."""
    area_update(actor=None, area=city.streets[0], boundary=rectangle(121.0, 31.0, 121.1, 31.1))
    area_update(actor=None, area=city.streets[1], boundary=rectangle(121.1, 31.0, 121.2, 31.1))
    area_update(actor=None, area=city.communities[0], boundary=rectangle(121.0, 31.0, 121.05, 31.1))
    area_update(actor=None, area=city.grids[0], boundary=rectangle(121.0, 31.0, 121.025, 31.05))
    area_update(actor=None, area=city.buildings[0], boundary=rectangle(121.0, 31.0, 121.01, 31.01))
    for area in (*city.streets, city.communities[0], city.grids[0], city.buildings[0]):
        area.refresh_from_db()
