"""The tiles' stock (`CaseStock`): what stands now in each area, counted whole every minute and written
only where it moved, checked against the same counts made live from the case tables."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.cases.filters import overdue_condition
from apps.cases.models import Case
from apps.cases.services import case_accept
from apps.dashboards import figures
from apps.dashboards.models import CaseStock, RollupState
from apps.dashboards.rollup import STOCK_STATE, count_stock, escalated_now
from apps.dashboards.tasks import count_case_stock
from apps.dispatch.models import DispatchOrder
from apps.dispatch.services import case_dispatch
from config.celery import app
from tests.dashboards.dashboard_support import make_facts, report
from tests.dispatch.support import city_per_module

pytestmark = pytest.mark.django_db
city = city_per_module()
TASK = "apps.dashboards.tasks.count_case_stock"
LEVELS = ("district", "street", "community", "grid")


def areas_of(city) -> list:
    return [city.district, *city.streets, *city.communities, *city.grids]


def live_stock(city) -> dict[int, tuple[int, int, int]]:
    """Each area's open, overdue and escalated cases, counted from the case tables, zeros left out."""
    counted = {}
    for area in areas_of(city):
        cases = Case.objects.filter(**{area.level_field: area})
        figures_now = (
            cases.open().count(),
            cases.filter(overdue_condition()).count(),
            cases.filter(escalated_now()).count(),
        )
        if any(figures_now):
            counted[area.pk] = figures_now
    return counted


def stock_rows() -> dict[int, tuple[int, int, int]]:
    return {
        area_id: (open_, overdue, escalated)
        for area_id, open_, overdue, escalated in CaseStock.objects.values_list(
            "area_id", "open", "overdue", "escalated"
        )
    }


def late_case(city, building, title: str) -> tuple[Case, DispatchOrder]:
    """An accepted case dispatched to a department that missed its sign-for limit."""
    case = case_accept(case=report(city, building, title), actor=city.users["street"])
    order = case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    DispatchOrder.objects.filter(pk=order.pk).update(accept_breached_at=timezone.now())
    return case, order


def test_the_stock_is_what_the_case_tables_count_in_every_area(city):
    make_facts(city)
    late_case(city, city.buildings[2], "井盖缺失")
    count_stock()
    expected = live_stock(city)
    assert stock_rows() == expected
    district = expected[city.district.pk]
    assert district[1:] == (1, 1)  # the late case; the escalated one
    # Every row is placed like the area it counts, with its parent and ancestors.
    row = CaseStock.objects.get(area=city.grids[0])
    assert (row.level, row.parent_id, row.district_id, row.grid_id) == (
        4,
        city.grids[0].parent_id,
        city.district.pk,
        city.grids[0].pk,
    )


def test_a_second_count_writes_only_what_moved(city):
    make_facts(city)  # its refresh counted the stock
    _case, order = late_case(city, city.buildings[2], "井盖缺失")
    # One more open, late case: the four areas above it move, nothing else.
    assert count_stock().written == 4
    assert count_stock().written == 0
    # The late order is signed for: the overdue figure of the same four areas moves back.
    DispatchOrder.objects.filter(pk=order.pk).update(accept_breached_at=None)
    moved = count_stock()
    assert (moved.written, moved.deleted) == (4, 0)
    assert stock_rows() == live_stock(city)
    # Nothing left standing anywhere: every row goes.
    standing = len(stock_rows())
    Case.objects.update(status="closed")
    DispatchOrder.objects.update(status="resolved")
    gone = count_stock()
    assert (gone.written, gone.deleted, gone.areas) == (0, standing, 0)
    assert stock_rows() == {}
    assert figures.now(city.users["district"], city.district) == {"open": 0, "overdue": 0, "escalated": 0}


def test_the_count_says_when_it_was_made(city):
    moment = timezone.now() - timedelta(seconds=5)
    count_stock(now=moment)
    state = RollupState.objects.get(name=STOCK_STATE)
    assert state.refreshed_at == moment
    assert state.seconds >= 0


def test_a_user_reads_the_stock_of_their_own_areas_only(city):
    make_facts(city)
    count_stock()
    street_user = city.users["street"]
    own, other = city.streets
    assert figures.now(street_user, own) == dict(
        zip(("open", "overdue", "escalated"), live_stock(city)[own.pk], strict=True)
    )
    # Another street's row exists, but not for this user: zeros, as for an area with nothing standing.
    assert CaseStock.objects.filter(area=other).exists()
    assert figures.now(street_user, other) == {"open": 0, "overdue": 0, "escalated": 0}


def test_the_beat_counts_the_stock_every_minute_on_the_rollups_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-count-case-stock"]
    assert entry["task"] == TASK == count_case_stock.name
    assert float(entry["schedule"]) <= 60
    # A count still queued when the next is due is dropped: the next covers it.
    assert entry["options"]["expires"] <= float(entry["schedule"])
    assert app.amqp.router.route({}, TASK)["queue"].name == "rollups"


def test_the_admin_lists_the_stock_read_only(city, client, superuser):
    make_facts(city)
    client.force_login(superuser)
    response = client.get(reverse("admin:dashboards_casestock_changelist"))
    assert response.status_code == 200
    assert city.district.name in response.text
    assert client.get(reverse("admin:dashboards_casestock_add")).status_code == 403
