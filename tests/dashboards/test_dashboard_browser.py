"""The district command's dashboard in Chromium: tiles, charts and the map drawn without a content security
policy complaint, a click on a street of the map or the table drilling down, the breadcrumb going back up,
and the period switch and the map figure fetching the figures again without reloading the page."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_areas import sign_in
from tests.builders import build_city
from tests.dashboards.dashboard_support import draw_boundaries, make_facts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "shots"


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def expect_drawn(page: Page, testid: str) -> None:
    expect(page.get_by_test_id(testid).locator("canvas")).to_have_count(1)


def test_drill_down_and_switch_the_period_on_a_big_screen(live_server, page: Page):
    city = build_city()
    draw_boundaries(city)
    facts = make_facts(city)
    errors = watch_errors(page)
    page.set_viewport_size({"width": 1600, "height": 1000})
    sign_in(page, live_server.url, "district")

    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name=city.district.name, level=1)).to_be_visible()
    for chart in ("trend-chart", "category-chart", "dashboard-map"):
        expect_drawn(page, chart)
    expect(page.get_by_test_id("tile-open").locator("[data-value]")).to_have_text("4")
    expect(page.get_by_test_id("feed-item")).to_have_count(2)
    expect(page.get_by_test_id("feed-item").first).to_contain_text(facts.escalated.title)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "dashboard-district.png", full_page=True)

    # The period switch fetches the figures again and keeps the page.
    root = page.get_by_test_id("dashboard")
    with page.expect_response(re.compile(r"/api/v1/dashboards/\d+/\?days=90&figure=on_time_rate$")) as answer:
        page.get_by_test_id("period-90").click()
    assert answer.value.status == 200
    expect(root).to_have_attribute("data-loaded-days", "90")
    expect(page).to_have_url(re.compile(r"/dashboard/\?days=90&figure=on_time_rate$"))
    with page.expect_response(re.compile(r"\?days=90&figure=overdue$")):
        page.get_by_test_id("map-figure").select_option("overdue")
    expect(root).to_have_attribute("data-loaded-figure", "overdue")
    chosen = page.get_by_test_id("map-figure").locator("option:checked").inner_text()
    expect(page.locator("[data-figure-label]")).to_have_text(chosen)

    # A click on the first street of the map (the left square) opens its dashboard, same period.
    street = city.streets[0]
    box = page.get_by_test_id("dashboard-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.45)
    expect(page).to_have_url(f"{live_server.url}/dashboard/{street.pk}/?days=90&figure=overdue")
    expect(page.get_by_role("heading", name=street.name, level=1)).to_be_visible()
    expect(page.get_by_test_id("period-90").locator("xpath=preceding-sibling::input[1]")).to_be_checked()
    expect_drawn(page, "dashboard-map")

    # Down again from the table, then back up by the breadcrumb.
    community = city.communities[1]
    page.get_by_test_id("children").get_by_role("link", name=community.name).click()
    expect(page).to_have_url(re.compile(rf"/dashboard/{community.pk}/\?days=90"))
    breadcrumb = page.get_by_test_id("dashboard-breadcrumb")
    expect(breadcrumb).to_contain_text(city.district.name)
    breadcrumb.get_by_role("link", name=city.district.name).click()
    expect(page).to_have_url(re.compile(rf"/dashboard/{city.district.pk}/\?days=90"))
    expect_drawn(page, "trend-chart")
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"


def test_a_street_worker_reads_the_street_on_a_phone(live_server, page: Page):
    city = build_city()
    draw_boundaries(city)
    make_facts(city)
    errors = watch_errors(page)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "street")

    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name=city.streets[0].name, level=1)).to_be_visible()
    for chart in ("trend-chart", "category-chart", "dashboard-map"):
        expect_drawn(page, chart)
    # Nothing wider than the screen but the tables, which scroll inside their card.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path=SHOTS / "dashboard-street-phone.png", full_page=True)
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"
