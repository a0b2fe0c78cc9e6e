"""Street staff browse the area tree in Chromium, expand it, and open an area's page with its boundary."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from apps.areas.models import Area
from tests.builders import PASSWORD, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[121.40, 31.20], [121.46, 31.20], [121.46, 31.25], [121.40, 31.25], [121.40, 31.20]]],
}


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base_url}/")


@pytest.mark.parametrize(("screen", "width", "height"), [("phone", 390, 844), ("desktop", 1600, 900)])
def test_browse_the_tree_and_open_an_area(page: Page, live_server, screen, width, height):
    city = build_city()
    grid = city.grids[0]
    Area.objects.filter(pk=grid.pk).update(boundary=SQUARE)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server.url, "street")

    page.goto(f"{live_server.url}/areas/")
    street, community = city.streets[0], city.communities[0]
    expect(page.get_by_role("link", name=street.name)).to_be_visible()
    expect(page.get_by_role("link", name=community.name)).to_have_count(0)

    page.get_by_test_id(f"expand-{street.pk}").click()
    expect(page.get_by_role("link", name=community.name, exact=True)).to_be_visible()
    expect(page.get_by_test_id(f"expand-{street.pk}")).to_have_attribute("aria-expanded", "true")
    page.get_by_test_id(f"expand-{community.pk}").click()
    expect(page.get_by_role("link", name=grid.name, exact=True)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"areas-tree-{screen}.png", full_page=True)

    # Folding hides the rows without asking the server again.
    page.get_by_test_id(f"expand-{community.pk}").click()
    expect(page.get_by_role("link", name=grid.name, exact=True)).to_be_hidden()
    page.get_by_test_id(f"expand-{community.pk}").click()
    page.get_by_role("link", name=grid.name, exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/areas/{grid.pk}/")
    expect(page.get_by_role("heading", name=grid.name, level=1)).to_be_visible()
    expect(page.locator(".breadcrumb")).to_contain_text(community.name)
    expect(page.get_by_test_id("area-map").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("area-actions")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"areas-detail-{screen}.png", full_page=True)
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
