"""The district command opens the evaluation in Chromium, in Chinese, changes what is evaluated and opens
a breakdown."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.builders import PASSWORD
from tests.dashboards.evaluation_support import build_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_rank_and_break_down(page: Page, live_server, monkeypatch):
    scenario = build_scenario(monkeypatch)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("district")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/dashboard/evaluation/")
    rows = page.get_by_test_id("ranking-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(scenario.department_a.name)
    expect(rows.first).to_contain_text("70.9")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "evaluation-ranking.png", full_page=True)

    page.get_by_test_id("evaluation-form").locator("select[name=subject]").select_option("street")
    page.get_by_test_id("evaluation-form").locator("button[type=submit]").click()
    expect(rows.first).to_contain_text(scenario.city.streets[0].name)
    expect(rows.first).to_contain_text("55.9")

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(scenario.city.streets[0].name)
    expect(page.get_by_test_id("formula")).to_contain_text("4750.0 ÷ 85 = 55.9")
    page.screenshot(path=SCREENSHOTS / "evaluation-breakdown.png", full_page=True)
    page.get_by_test_id("back").click()
    expect(rows).to_have_count(2)
    assert errors == []
