"""Upgrading an installation whose rollups were computed before the all-categories rows (AreaDay)
existed: the migration fills them from the rows by category, so no dashboard goes blank until the
next refresh."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.builders import build_city

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("dashboards", "0002_fact_time_indexes")]
AFTER = [("dashboards", "0003_area_day")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_area_rows_are_filled_from_the_rows_by_category():
    city = build_city()
    old = _migrate(BEFORE)
    try:
        CaseDay = old.get_model("dashboards", "CaseDay")
        Category = old.get_model("cases", "Category")
        first, second = Category.objects.order_by("pk")[:2]
        place = {
            "area_id": city.streets[0].pk,
            "level": city.streets[0].level,
            "parent_id": city.district.pk,
            "district_id": city.district.pk,
            "street_id": city.streets[0].pk,
        }
        day = date(2026, 5, 4)
        CaseDay.objects.create(day=day, category_id=first.pk, created=3, resolved=2, overdue=1, **place)
        CaseDay.objects.create(day=day, category_id=second.pk, created=4, rated_satisfied=5, **place)
        CaseDay.objects.create(day=date(2026, 5, 5), category_id=first.pk, closed=7, **place)

        new = _migrate(AFTER)
        AreaDay = new.get_model("dashboards", "AreaDay")
        rows = {
            row["day"]: row
            for row in AreaDay.objects.values(
                "day", "area_id", "parent_id", "street_id", "created", "resolved", "overdue", "closed"
            )
        }
        assert rows[day] == {
            "day": day,
            "area_id": city.streets[0].pk,
            "parent_id": city.district.pk,
            "street_id": city.streets[0].pk,
            "created": 7,
            "resolved": 2,
            "overdue": 1,
            "closed": 0,
        }
        assert AreaDay.objects.get(day=day).rated_satisfied == 5
        assert rows[date(2026, 5, 5)]["closed"] == 7
        assert AreaDay.objects.count() == 2
    finally:
        # Back to the latest state for the tests after this one.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
