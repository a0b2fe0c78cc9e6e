"""The demo city's geometry: each area a rectangle nested inside its parent's."""

import math

Rect = tuple[float, float, float, float]  # west, south, east, north

# The whole city: about 110 km by 90 km, centred near 121.5 E, 31.2 N.
CITY_RECT: Rect = (120.9, 30.8, 122.1, 31.6)


def _split(rect: Rect, count: int, inset: float = 0.04) -> list[Rect]:
    """`count` cells of `rect` in rows, each shrunk by `inset` of its size so that it lies inside."""
    west, south, east, north = rect
    width, height = east - west, north - south
    columns = max(1, round(math.sqrt(count * width / height)))
    rows = math.ceil(count / columns)
    cell_w, cell_h = width / columns, height / rows
    cells = []
    for index in range(count):
        column, row = index % columns, index // columns
        x0, y1 = west + column * cell_w, north - row * cell_h
        cells.append(
            (
                x0 + cell_w * inset,
                y1 - cell_h * (1 - inset),
                x0 + cell_w * (1 - inset),
                y1 - cell_h * inset,
            )
        )
    return cells


def _polygon(rect: Rect) -> dict:
    west, south, east, north = (round(value, 6) for value in rect)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _centre(rect: Rect) -> tuple[float, float]:
    west, south, east, north = rect
    return round((west + east) / 2, 6), round((south + north) / 2, 6)
