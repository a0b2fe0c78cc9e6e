"""Street staff report a case in Chromium: search the place, click the point on its map, see the similar
case nearby and the routing proposal, and dispatch the case as they report it."""

import re
import tempfile
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from apps.areas.models import Area
from apps.cases.categories import routing_rule_save
from apps.cases.choices import CaseStatus, Channel, HandlingLevel
from apps.cases.models import Case
from apps.cases.services import case_report
from tests.browser.test_areas import SQUARE, sign_in
from tests.builders import build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "shots"


VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_report_and_dispatch_from_the_intake_page(live_server, page: Page, settings, tmp_path, screen):
    settings.MEDIA_ROOT = tmp_path
    # The default time limits come with a migration; a transactional test's flush removes them.
    import_module("apps.dispatch.migrations.0002_default_policies").add_defaults(django_apps, None)
    city = build_city()
    grid, building, category = city.grids[0], city.buildings[0], city.categories[1]
    Area.objects.filter(pk=grid.pk).update(boundary=SQUARE)
    routing_rule_save(
        actor=None, category=category, handling_level=HandlingLevel.DEPARTMENT, department=city.departments[1]
    )
    near, _created = case_report(
        actor=city.users["gridworker"],
        channel=Channel.GRID_WORKER,
        category=category,
        area=building,
        title="垃圾堆放在路口",
        description="路口垃圾",
        longitude=121.43,
        latitude=31.225,
    )
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(VIEWPORTS[screen])
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server.url, "street")

    page.get_by_test_id("report-case").click()
    expect(page).to_have_url(f"{live_server.url}/cases/new/")
    page.wait_for_load_state()  # the page's scripts run before anything is typed
    page.locator("#id_category").select_option(str(category.pk))
    page.locator("#id_title").fill("路口垃圾又堆起来了")
    page.locator("#id_description").fill("路口东侧垃圾堆放，无人清运")

    search = page.get_by_test_id("area-search")
    search.fill(building.name)
    search.press("Enter")  # searches; must not send the half-filled form
    page.get_by_test_id("area-results").get_by_role("button", name=building.name).click()
    expect(page.get_by_test_id("chosen-area")).to_contain_text(building.name)
    expect(page.get_by_test_id("intake-map").locator("canvas")).to_have_count(1)

    # The proposal of the routing rule fills in "route now".
    expect(page.get_by_test_id("route-proposal")).to_contain_text(city.departments[1].name)
    expect(page.locator("#route-department")).to_be_checked()
    expect(page.get_by_test_id("route-department")).to_have_value(str(city.departments[1].pk))

    # A click in the middle of the map sets the point, and the similar case nearby shows.
    page.get_by_test_id("intake-map").click()
    expect(page.locator("#id_longitude")).not_to_have_value("")
    assert abs(float(page.locator("#id_longitude").input_value()) - 121.43) < 0.003
    assert abs(float(page.locator("#id_latitude").input_value()) - 31.225) < 0.003
    expect(page.get_by_test_id("duplicate-list")).to_contain_text(near.serial)
    page.screenshot(path=SHOTS / f"intake-{screen}.png", full_page=True)

    page.get_by_test_id("intake-submit").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.exclude(pk=near.pk).get()
    assert page.url == f"{live_server.url}/cases/{case.pk}/"
    assert case.status == CaseStatus.DISPATCHED
    assert case.lead_department == city.departments[1]
    assert case.area == building
    assert case.longitude is not None
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"
