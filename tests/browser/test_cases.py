"""A case from the street's inbox to a department and back, in Chromium: street staff accept and dispatch
it at a desk, the department's handler signs for it and resolves it with a photo on a phone."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import Page, expect

from apps.cases.choices import Channel
from apps.cases.services import case_report
from tests.builders import PASSWORD, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Where the people reviewing these pages look for them.
SHOTS = Path("/tmp/shots")  # noqa: S108 - a fixed, well-known folder on purpose


def png(colour=(30, 120, 200), size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def sign_in_in_english(page: Page, base_url: str, username: str) -> None:
    # English, so that the steps read the interface's msgids whatever the state of the translations.
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="English").click()


def watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_case_is_dispatched_signed_for_and_resolved_with_a_photo(
    page: Page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = build_city()
    case, _created = case_report(
        actor=city.users["gridworker"],
        channel=Channel.GRID_WORKER,
        category=city.categories[1],
        area=city.buildings[0],
        title="楼下垃圾堆放",
        description="3号楼下垃圾三天未清运，气味很大。",
        address="幸福路 18 弄 3 号楼",
        reporter_name="张阿姨",
        reporter_phone="13800138000",
        photos=[SimpleUploadedFile("rubbish.png", png((90, 140, 60)), content_type="image/png")],
    )
    errors = watch(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    accept_and_dispatch(page, live_server.url, case, city.departments[1].name)
    sign_for_and_resolve(page, live_server.url, tmp_path)
    assert errors == [], f"the pages logged errors (a content security policy violation?): {errors}"


def accept_and_dispatch(page: Page, base_url: str, case, department: str) -> None:
    """Street staff, at a desk: the inbox, the case, accept, dispatch."""
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_in_english(page, base_url, "street")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Cases").click()
    expect(page.get_by_test_id("tab-to_accept")).to_contain_text("1")
    row = page.get_by_test_id("case-row").filter(has_text=case.title)
    expect(row).to_be_visible()
    page.screenshot(path=SHOTS / "cases-inbox.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440, "the inbox scrolls sideways"

    row.get_by_role("link", name=case.serial).click()
    expect(page.get_by_role("heading", name=case.title, level=1)).to_be_visible()
    expect(page.get_by_test_id("reporter")).to_contain_text("138****8000")
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(1)
    page.get_by_test_id("action-accept").get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The case has been accepted.")).to_be_visible()

    dispatch = page.get_by_test_id("action-dispatch")
    dispatch.locator("summary").click()
    dispatch.get_by_label("department").select_option(label=department)
    dispatch.get_by_label("instructions").fill("请今天清运")
    dispatch.get_by_role("button", name="Dispatch").click()
    expect(page.get_by_text("The case has been dispatched.")).to_be_visible()
    expect(page.get_by_test_id("case-status")).to_have_text("dispatched to departments")
    expect(page.get_by_test_id("order")).to_contain_text(department)
    page.get_by_test_id("deadline").first.locator("summary").click()
    expect(page.get_by_test_id("explanation").first).to_contain_text("Time limit")
    page.screenshot(path=SHOTS / "case-dispatched.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440, "the case page scrolls sideways"

    page.get_by_test_id("action-whistle").click()
    expect(page.get_by_test_id("limits-emergency")).to_contain_text("30 minutes around the clock")
    page.screenshot(path=SHOTS / "case-whistle.png", full_page=True)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Supervision").click()
    expect(page.get_by_test_id("list-overdue")).to_be_visible()
    page.screenshot(path=SHOTS / "supervision.png", full_page=True)


def sign_for_and_resolve(page: Page, base_url: str, tmp_path: Path) -> None:
    """The department's handler, on a phone: the inbox, sign for, resolve with a photo."""
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_in_english(page, base_url, "dept")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base_url}/dispatch/orders/")
    expect(page.get_by_test_id("tab-to_sign")).to_contain_text("1")
    order_row = page.get_by_test_id("order-row").filter(has_text="楼下垃圾堆放")
    expect(order_row).to_contain_text("sign for by")
    page.screenshot(path=SHOTS / "department-inbox.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the inbox scrolls sideways"
    order_row.get_by_role("button", name="Sign for").click()
    expect(page.get_by_text("Signed for.")).to_be_visible()

    page.get_by_test_id("tab-in_hand").click()
    order_row = page.get_by_test_id("order-row").filter(has_text="楼下垃圾堆放")
    order_row.get_by_role("link", name="Report the resolution").click()
    form = page.get_by_test_id("resolve-form")
    form.get_by_label("what was done").fill("已清运，并冲洗地面。")
    photo = tmp_path / "done.png"
    photo.write_bytes(png((200, 200, 200)))
    form.get_by_label("photos").set_input_files([str(photo)])
    page.screenshot(path=SHOTS / "department-resolve.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the form scrolls sideways"
    form.get_by_role("button", name="Report the resolution").click()

    expect(page.get_by_text("The resolution has been reported.")).to_be_visible()
    expect(page.get_by_test_id("case-status")).to_have_text("resolved, to be verified")
    expect(page.get_by_test_id("order-status")).to_have_text("resolved")
    photos = page.get_by_test_id("photos").locator("img")
    expect(photos).to_have_count(2)
    expect(page.get_by_test_id("reporter")).to_have_count(0)
    # Photos load lazily: bring the handler's photo into view, then it must arrive through the case's URL.
    photos.nth(1).scroll_into_view_if_needed()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=photos.nth(1).element_handle()
    )
    page.screenshot(path=SHOTS / "case-resolved-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the case page scrolls sideways"
