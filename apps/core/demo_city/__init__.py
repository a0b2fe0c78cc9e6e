"""The demo city: a whole fictional city generated in one pass, at one of three scales.

    generate_city(scale="demo", seed=1, password_hash=make_password(DEMO_PASSWORD))

It spans every domain that exists so far: the five-level grid (districts, streets and towns, communities
and villages, grids, buildings) with codes, household figures, boundaries and centre points; the case
category tree; the departments of each district and street with the areas they serve and the categories
they handle; the party tree bound to the grid level by level, partner units, joint committees with their
part-time members, and a roster of party members; and the staff who hold roles in the grid.

Everything is drawn from `random.Random(seed)` in a fixed order (lists only, never the order of a dict or
set filled from the database, never the clock), so one seed always gives the same names, codes and
figures. Primary keys are assigned here, so the paths and ancestor columns of the areas are computed in
Python in one pass; they are exactly what `apps.areas.services.area_create` produces
(tests/core/test_seed_demo.py replays the tree through it and compares). Rows are plain dicts, written one
district at a time (memory stays flat at metro scale) with `bulk_create`, or on PostgreSQL with COPY and
the foreign keys of the written tables set aside until the end; the sequences are then reset above the
keys given. Metro scale (about 1.1 million rows) loads in a few minutes on two cores that way, where
`bulk_create` of model instances with the keys checked row by row took several times longer.

The caller (`apps.core.services.demo_seed`) runs this only when there are no areas yet, inside one
transaction; the demo logins are granted their roles afterwards, through the ordinary services.

The package's modules:

- `vocabulary`: the fixed word lists, name tables, case categories, department and partner unit templates,
  and the small functions that draw names, phones, dates and figures from the rng;
- `geometry`: the rectangles, boundaries and centre points of the areas;
- `builder`: the scales, `CityStats`, `CityBuilder` (ids, buffers of rows, the city district by district)
  and `generate_city`;
- `load`: writing the rows (`bulk_create` or COPY), setting the foreign keys aside, resetting sequences.
"""

from apps.core.demo_city.builder import SCALES, CityBuilder, CityStats, Scale, generate_city
from apps.core.demo_city.vocabulary import CATEGORIES, DISTRICT_DEPARTMENTS

__all__ = [
    "CATEGORIES",
    "DISTRICT_DEPARTMENTS",
    "SCALES",
    "CityBuilder",
    "CityStats",
    "Scale",
    "generate_city",
]
