"""A grid worker's round in Chromium on a phone: "my grid today", a household due, the visit form with a
photo and the phone's position, and back to today with the household off the due list."""

import datetime
import re
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from apps.residents.models import Household
from apps.visits.models import Visit
from tests.browser.test_areas import sign_in
from tests.builders import build_city, household_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "shots"
PHONE = {"width": 390, "height": 844}


def fill_the_visit(page: Page, picture: Path) -> None:
    """Who was met, notes, a photo and the phone's position; "found a problem" opened and closed again."""
    page.locator("#id_met").fill("户主王阿姨")
    page.locator("#id_notes").fill("独居老人，身体尚好，楼道灯不亮")
    page.locator("#id_photos").set_input_files(picture)
    page.get_by_test_id("visit-locate").click()
    expect(page.locator("#id_latitude")).to_have_value("31.226000")
    found = page.get_by_test_id("found-problem")
    found.click()
    expect(page.locator("#id_problem_title")).to_be_visible()
    expect(page.locator("#id_problem_description")).to_have_value("独居老人，身体尚好，楼道灯不亮")
    found.click()
    expect(page.locator("#id_problem_title")).to_be_hidden()


def test_log_a_visit_from_today_on_a_phone(live_server, page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = build_city()
    household = household_in(city.buildings[0], room="101", address="测试路1号1号楼101室")
    Household.objects.filter(pk=household.pk).update(
        visit_due_on=timezone.localdate() - datetime.timedelta(days=4)
    )
    picture = tmp_path / "door.jpg"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(picture, "JPEG")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 31.226, "longitude": 121.431})
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server.url, "gridworker")

    page.goto(f"{live_server.url}/visits/today/")
    due = page.get_by_test_id("due-item")
    expect(due).to_have_count(1)
    expect(due).to_contain_text("测试路1号1号楼101室")
    page.screenshot(path=SHOTS / "visits-today-phone.png", full_page=True)
    due.click()

    expect(page).to_have_url(re.compile(rf"/visits/new/\?household={household.pk}$"))
    page.wait_for_load_state()
    expect(page.get_by_test_id("visit-household")).to_have_text("测试路1号1号楼101室")
    expect(page.locator("#id_kind_0")).to_be_checked()
    # The follow-up note and the problem's fields wait behind their switches.
    expect(page.locator("#id_follow_up_note")).to_be_hidden()
    expect(page.locator("#id_problem_title")).to_be_hidden()
    fill_the_visit(page, picture)
    submit = page.get_by_test_id("visit-submit")
    box = submit.bounding_box()
    # The main action sits at the bottom of the screen, within reach of a thumb, and is big enough.
    assert box["y"] + box["height"] > PHONE["height"] - 80
    assert box["height"] >= 44
    page.screenshot(path=SHOTS / "visits-form-phone.png", full_page=True)
    submit.click()

    expect(page).to_have_url(f"{live_server.url}/visits/today/")
    expect(page.get_by_test_id("due-item")).to_have_count(0)
    expect(page.get_by_test_id("recent").get_by_test_id("visit-item")).to_contain_text("测试路1号1号楼101室")
    page.screenshot(path=SHOTS / "visits-today-after-phone.png", full_page=True)
    visit = Visit.objects.get()
    assert visit.household_id == household.pk
    assert visit.photos.count() == 1
    assert str(visit.latitude) == "31.226000"
    assert visit.case_id is None

    page.get_by_test_id("recent").get_by_test_id("visit-item").click()
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(1)
    page.screenshot(path=SHOTS / "visits-detail-phone.png", full_page=True)
    assert errors == [], f"the page logged errors (a content security policy violation?): {errors}"
