"""一键达 in Chromium: staff print a grid's codes; a resident opens a building's code on a phone, reports a
problem without an account, follows it, and rates it once it is closed."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from apps.cases.choices import CaseStatus, Channel, Rating
from apps.cases.models import Case, ReportPoint
from apps.cases.services import (
    case_accept,
    case_close,
    case_handle_in_grid,
    case_resolve_in_grid,
    case_verify,
)
from tests.browser.test_areas import sign_in
from tests.builders import build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "shots"
PHONE = {"width": 390, "height": 844}


def watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def close(city, case: Case) -> None:
    street, worker = city.users["street"], city.users["gridworker"]
    case_accept(case=case, actor=street)
    case_handle_in_grid(case=case, actor=street)
    case_resolve_in_grid(case=case, actor=worker, account="杂物已清理，楼道畅通")
    case_verify(case=case, actor=worker, passed=True)
    case_close(case=case, actor=street)


def print_codes(page: Page, base_url: str, city) -> str:
    """Staff open the grid's code sheet: the grid's own code and one per building. Returns the first
    building's report address, as its code holds it."""
    grid, building = city.grids[0], city.buildings[0]
    errors = watch(page)
    sign_in(page, base_url, "street")
    page.goto(f"{base_url}/areas/{grid.pk}/")
    page.get_by_test_id("report-qr-link").click()
    expect(page.get_by_test_id("qr-card")).to_have_count(3)
    card = page.get_by_test_id("qr-card").filter(has_text=building.name)
    expect(card.locator("img")).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    page.screenshot(path=SHOTS / "qr-sheet.png", full_page=True)
    report_url = f"{base_url}/r/{ReportPoint.objects.get(area=building).token}/"
    expect(card).to_contain_text(report_url)
    assert errors == [], f"the QR page logged errors: {errors}"
    return report_url


def report(phone: Page, city) -> Case:
    """The kinds are large buttons; choosing one loads its subcategories."""
    top, sub = city.categories[0], city.categories[2]
    tile = phone.locator("label.public-tile", has_text=top.name)
    assert tile.bounding_box()["height"] >= 48
    tile.click()
    expect(phone.get_by_test_id("report-subcategory")).to_be_visible()
    phone.get_by_test_id("report-subcategory").select_option(label=sub.name)
    phone.locator("#id_description").fill("楼道里堆满杂物，影响通行")
    phone.locator("#id_reporter_phone").fill("13912345678")
    phone.locator("#id_consent").check()
    phone.screenshot(path=SHOTS / "public-report-filled.png", full_page=True)
    phone.get_by_test_id("report-submit").click()
    expect(phone.get_by_test_id("case-serial")).to_be_visible()
    case = Case.objects.get()
    assert case.channel == Channel.RESIDENT
    assert case.category == sub
    assert case.area == city.buildings[0]
    expect(phone.get_by_test_id("case-serial")).to_have_text(case.serial)
    phone.screenshot(path=SHOTS / "public-report-thanks.png", full_page=True)
    return case


def test_print_report_follow_and_rate_on_a_phone(live_server, page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GRIDGOV_BASE_URL = live_server.url
    city = build_city()
    SHOTS.mkdir(parents=True, exist_ok=True)
    report_url = print_codes(page, live_server.url, city)

    # A resident scans the building's code: no account, no staff navigation.
    resident = page.context.browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = resident.new_page()
    errors = watch(phone)
    phone.goto(report_url)
    expect(phone.get_by_test_id("report-place")).to_contain_text(city.buildings[0].name)
    expect(phone.get_by_test_id("user-menu")).to_have_count(0)
    phone.screenshot(path=SHOTS / "public-report-empty.png", full_page=True)
    case = report(phone, city)

    phone.get_by_test_id("follow-link").click()
    expect(phone).to_have_url(f"{live_server.url}/track/{case.follow_token}/")
    expect(phone.get_by_test_id("public-timeline").locator("li")).to_have_count(1)
    expect(phone.locator("body")).not_to_contain_text("13912345678")
    phone.screenshot(path=SHOTS / "public-track.png", full_page=True)

    # Once the case is closed, the follow page leads to the rating.
    close(city, case)
    phone.reload()
    expect(phone.get_by_test_id("public-timeline")).to_contain_text("杂物已清理，楼道畅通")
    phone.get_by_test_id("rate-link").click()
    phone.locator("label.public-tile").nth(0).click()
    phone.locator("#id_comment").fill("处理得很快")
    phone.mouse.move(0, 0)
    phone.screenshot(path=SHOTS / "public-rate.png", full_page=True)
    phone.get_by_test_id("rate-submit").click()
    expect(phone).to_have_url(f"{live_server.url}/track/{case.follow_token}/")
    expect(phone.get_by_test_id("rate-link")).to_have_count(0)
    phone.screenshot(path=SHOTS / "public-track-rated.png", full_page=True)
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED
    assert case.status == CaseStatus.CLOSED
    assert errors == [], f"the pages logged errors (a content security policy violation?): {errors}"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the page scrolls sideways"
    )
    resident.close()
