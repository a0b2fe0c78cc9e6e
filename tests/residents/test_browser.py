"""A grid worker on a phone, in Chromium: finds a household by a resident's name, opens it, and reveals
the resident's phone with a reason; the number appears once and the access log records it."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from apps.residents.models import ResidentAccess, RiskRule
from apps.residents.services import household_set_risk
from tests.builders import PASSWORD, build_city, household_in, person_id, resident_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Where the people reviewing these pages look for them.
SHOTS = Path("/tmp/shots")  # noqa: S108 - a fixed, well-known folder on purpose
PHONE = "13812345678"


def test_a_grid_worker_finds_a_household_and_reveals_a_phone_on_a_phone(page: Page, live_server):
    city = build_city()
    household = household_in(city.buildings[0], unit="2", floor=3, room="301", kind="rented")
    household_set_risk(actor=None, household=household, rule=RiskRule.objects.get(colour="orange"))
    resident = resident_in(household, name="李秀英", id_number=person_id(11, male=False), phone=PHONE)
    resident_in(household, name="王建国", relation="spouse", id_number=person_id(12))
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/?next=/households/")
    page.get_by_label("Username").fill("gridworker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Households")).to_be_visible()
    page.get_by_role("searchbox").fill("李秀")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("results")
    expect(results).to_contain_text(resident.id_number_mask)
    expect(results).not_to_contain_text(PHONE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "residents-search-phone.png", full_page=True)

    results.get_by_role("link", name=household.address).click()
    expect(page.get_by_role("heading", name=household.address)).to_be_visible()
    expect(page.get_by_test_id("log-visit")).to_be_visible()
    row = page.get_by_test_id(f"resident-{resident.pk}")
    expect(row).to_contain_text(resident.phone_mask)
    expect(page.locator("body")).not_to_contain_text(PHONE)
    # A grid worker may see phones in full, never ID numbers: only the phone offers it.
    expect(row.get_by_text("Show in full")).to_have_count(1)
    row.get_by_text("Show in full").click()
    row.get_by_label("reason").fill("联系核实独居情况")
    row.get_by_role("button", name="Show").click()
    expect(row.get_by_test_id("revealed")).to_contain_text(PHONE)
    page.screenshot(path=SHOTS / "residents-household-phone.png", full_page=True)

    access = ResidentAccess.objects.get()
    assert (access.user, access.resident_id, access.field) == (city.users["gridworker"], resident.pk, "phone")
    assert access.reason == "联系核实独居情况"
    page.get_by_role("link", name=city.buildings[0].name).first.click()
    expect(page.get_by_test_id(f"tile-{household.pk}")).to_have_class("household-tile risk-orange")
    page.screenshot(path=SHOTS / "residents-building-phone.png", full_page=True)
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"
