"""A street admin finds the party tree and creates a colleague with a role, in Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.builders import PASSWORD, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def sign_in_in_english(page: Page, base_url: str, username: str) -> None:
    # English, so that the steps read the interface's msgids whatever the state of the translations.
    page.goto(f"{base_url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="English").click()


def test_a_street_admin_browses_the_party_tree_and_adds_a_colleague(page: Page, live_server):
    city = build_city()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in_in_english(page, live_server.url, "street")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Party building").click()
    tree = page.get_by_test_id("organisation-tree")
    expect(tree.get_by_role("link", name="第1街道党工委")).to_be_visible()
    # The street's communities are loaded with the page; a community's grids unfold on a click.
    expect(tree.get_by_role("link", name="第1街道1社区党委")).to_be_visible()
    tree.locator("summary").filter(has_text="第1街道1社区党委").click()
    expect(tree.get_by_role("link", name="第1街道1社区1网格党支部")).to_be_visible()
    expect(tree.get_by_text("第2街道党工委")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "party-tree.png", full_page=True)

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Users and roles").click()
    page.get_by_role("link", name="New user").click()
    form = page.get_by_test_id("user-form")
    form.get_by_label("username").fill("wanggrid")
    form.get_by_label("full name").fill("王网格")
    form.get_by_label("initial password").fill("a-Long-enough-passw0rd")
    form.get_by_label("role").select_option("grid_worker")
    form.get_by_label("area code").press_sequentially("1网格", delay=20)
    expect(page.locator("#area-options option").first).to_have_attribute("value", city.grids[0].code)
    form.get_by_label("area code").fill(city.grids[0].code)
    form.get_by_label("full-time").check()
    form.get_by_role("button", name="Create the account").click()

    expect(page.get_by_role("heading", name="王网格")).to_be_visible()
    expect(page.get_by_text("The account wanggrid was created.")).to_be_visible()
    expect(page.get_by_test_id("role-row")).to_contain_text(city.grids[0].name)
    page.screenshot(path=SCREENSHOTS / "user-detail.png", full_page=True)

    page.get_by_role("link", name="Users and roles").first.click()
    expect(page.get_by_test_id("user-row").filter(has_text="王网格")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "users.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the list scrolls sideways"
    page.screenshot(path=SCREENSHOTS / "users-phone.png", full_page=True)
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"
