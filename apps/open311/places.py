"""Where a point lies in the grid: the smallest area, within an API key's area limit, whose GeoJSON
boundary contains it.

Boundaries are GeoJSON in longitude/latitude (apps.areas.validators) without a spatial index, so the
search walks down the tree from the limit, reading only the children of the area found so far: a handful
of queries of a few dozen rows, whatever the size of the city.
"""

from itertools import pairwise

from apps.areas.models import Area


def _in_ring(ring: list, lng: float, lat: float) -> bool:
    # Ray casting: a ray from the point crosses the ring's edges an odd number of times when inside.
    inside = False
    for (x1, y1, *_rest1), (x2, y2, *_rest2) in pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _in_polygon(rings: list, lng: float, lat: float) -> bool:
    outer, *holes = rings
    return _in_ring(outer, lng, lat) and not any(_in_ring(hole, lng, lat) for hole in holes)


def boundary_contains(boundary: dict, lng: float, lat: float) -> bool:
    polygons = [boundary["coordinates"]] if boundary["type"] == "Polygon" else boundary["coordinates"]
    return any(_in_polygon(polygon, lng, lat) for polygon in polygons)


def place_of_point(limit: Area, *, lng: float, lat: float) -> Area | None:
    """The smallest area under `limit` (itself included) whose boundary contains the point, or None when
    the point lies outside `limit`: outside its boundary, or, when it has none, outside every one of its
    children when they all have one (the grid covers its parent without gaps). Where no boundary is
    known, the point stays in the deepest area that contains it, at worst `limit` itself."""
    if limit.boundary and not boundary_contains(limit.boundary, lng, lat):
        return None
    place = limit
    while True:
        children = list(Area.objects.filter(parent=place, is_active=True))
        found = next(
            (child for child in children if child.boundary and boundary_contains(child.boundary, lng, lat)),
            None,
        )
        if found is None:
            outside = place is limit and not limit.boundary and children and all(c.boundary for c in children)
            return None if outside else place
        place = found
