"""A person signs in through the real login page in Chromium and finds their way around the shell."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Kept for people to look at; pytest-playwright empties its own test-results folder on every run.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_sign_in_and_see_the_shell_on_a_wide_screen(page: Page, live_server, staff_user, password):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1600, "height": 900})
    sign_in(page, live_server.url, "street", password)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="您好，王晓明")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作台")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "shell-wide.png", full_page=True)
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Welcome, 王晓明")).to_be_visible()
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", name="您好，王晓明")).to_be_visible()

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已退出登录。")).to_be_visible()


def test_a_wrong_password_is_explained(page: Page, live_server, staff_user):
    sign_in(page, live_server.url, "street", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")
    expect(page.get_by_label("用户名")).to_have_value("street")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "login-error.png")


def test_on_a_phone_the_navigation_folds_into_a_menu(page: Page, live_server, staff_user, password):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "street", password)
    nav_link = page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作台")
    expect(nav_link).to_be_hidden()
    page.get_by_role("button", name="展开或收起导航").click()
    expect(nav_link).to_be_visible()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "shell-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
