"""Checks on an area's GeoJSON boundary, so that a map never receives something it cannot draw."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _position(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) in (2, 3)
        and all(isinstance(number, int | float) and not isinstance(number, bool) for number in value)
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def _ring(value) -> bool:
    # A closed linear ring: at least four positions, the last equal to the first.
    return (
        isinstance(value, list) and len(value) >= 4 and all(map(_position, value)) and value[0] == value[-1]
    )


def _polygon(value) -> bool:
    return isinstance(value, list) and len(value) >= 1 and all(map(_ring, value))


def validate_boundary(value) -> None:
    """A GeoJSON Polygon or MultiPolygon geometry in longitude/latitude (RFC 7946)."""
    if value is None:
        return
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."), code="geojson")
    coordinates = value.get("coordinates")
    valid = (
        _polygon(coordinates)
        if value["type"] == "Polygon"
        else isinstance(coordinates, list) and len(coordinates) >= 1 and all(map(_polygon, coordinates))
    )
    if not valid:
        raise ValidationError(
            _("The boundary's coordinates must be closed rings of [longitude, latitude] positions."),
            code="geojson",
        )


def point_errors(longitude: float | None, latitude: float | None) -> dict:
    """The error (under "longitude") of a point given by a case, a visit or a work order: both coordinates
    or neither, and on the map (NaN and infinities are not)."""
    if (longitude is None) != (latitude is None):
        return {"longitude": _("Give both longitude and latitude, or neither.")}
    if longitude is not None and not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        return {"longitude": _("This point is not on the map.")}
    return {}
