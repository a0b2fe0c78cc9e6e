"""A superuser finds the work calendar in Chromium, overrides a date from the grid and sees it coloured."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from apps.workcalendar.models import WorkDay
from apps.workcalendar.services import calendar_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_a_superuser_overrides_a_date_from_the_grid(page: Page, live_server, superuser, password):
    # Transactional tests empty the tables afterwards: the seed of the migration may be gone.
    calendar_seed()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/?next=/calendar/%3Fyear%3D2026")
    page.get_by_label("Username").fill(superuser.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Work calendar 2026")).to_be_visible()
    national_day = page.locator('td[data-day="2026-10-01"]')
    expect(national_day).to_have_class(re.compile(r"\bwc-holiday\b"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "calendar-year.png", full_page=True)

    page.locator('td[data-day="2026-11-24"] a').click()
    expect(page.get_by_role("heading", name="Override one date")).to_be_visible()
    expect(page.get_by_label("date")).to_have_value("2026-11-24")
    page.get_by_label("working day").uncheck()
    page.get_by_label("note").fill("台风停工")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("2026-11-24 has been saved.")).to_be_visible()
    overridden = page.locator('td[data-day="2026-11-24"]')
    expect(overridden).to_have_class(re.compile(r"\bwc-rest\b.*\bwc-admin\b"))
    assert WorkDay.objects.get(day="2026-11-24").note == "台风停工"
    page.get_by_role("link", name="2027").click()
    expect(page.locator('td[data-day="2027-01-01"]')).to_have_class(re.compile(r"\bwc-unentered\b"))
    page.screenshot(path=SCREENSHOTS / "calendar-unentered-year.png", full_page=True)
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"
