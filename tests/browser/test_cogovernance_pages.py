"""Party-led co-governance in Chromium: a community worker takes a micro wish from posting to confirmation
on a phone, a street admin walks the tabs of the party section over the demo's rows, and a passer-by reads
the community's public wish wall with the residents' names masked."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from apps.core.demo_cogovernance import demo_cogovernance
from tests.builders import PASSWORD, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
ACTIVE = re.compile(r"\bactive\b")


def sign_in_in_english(page: Page, base_url: str, username: str) -> None:
    # English from the sign-in page on, whose language switch is in view on a phone too (the navbar's is
    # folded away), so that the steps read the interface's msgids whatever the state of the translations.
    page.goto(f"{base_url}/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("user-menu")).to_be_attached()


def collect_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def assert_no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} scrolls sideways on a phone ({width} px wide)"


def act(page: Page, name: str, label: str, fields: dict[str, str] | None = None) -> None:
    """Unfold one action of the wish page, fill its text fields and send it."""
    action = page.get_by_test_id(f"action-{name}")
    action.locator("summary").click()
    form = action.locator("form")
    for field, value in (fields or {}).items():
        form.get_by_label(field).fill(value)
    form.get_by_role("button", name=label).click()


def post_a_wish(page: Page, community) -> None:
    """Fill in the form of a new wish of the community, with the resident's consent, and post it."""
    expect(page.get_by_role("heading", name="Post a micro wish")).to_be_visible()
    page.get_by_label("community, grid or building").select_option(str(community.pk))
    page.get_by_label("title").fill("想要一台收音机")
    page.get_by_label("description").fill("独居老人，家里的收音机坏了，平时喜欢听戏曲。")
    page.get_by_label("category").select_option("daily_necessities")
    page.get_by_label("resident's name").fill("王秀英")
    page.get_by_label("The resident agreed to the wish being published").check()
    assert_no_sideways_scroll(page, "the wish form")
    page.get_by_role("button", name="Post", exact=True).click()


def claim_for(page: Page, member) -> None:
    """Record a claim of the wish for a party member: the form offers the district's members the user sees."""
    claim = page.get_by_test_id("action-claim")
    claim.locator("summary").click()
    claim.get_by_role("radio", name="party member").check()
    member_select = claim.get_by_role("combobox", name="party member")
    expect(member_select.locator("option", has_text=member.name)).to_have_count(1)
    member_select.select_option(label=member.name)
    claim.get_by_label("note").fill("周末上门送去")
    claim.locator("form").get_by_role("button", name="Record a claim").click()


def test_a_community_worker_takes_a_micro_wish_to_its_confirmation_on_a_phone(page: Page, live_server):
    city = build_city()
    community = city.communities[0]
    member = city.members[0]  # 党员0, of the community's first grid branch
    errors = collect_errors(page)
    page.set_viewport_size(PHONE)
    sign_in_in_english(page, live_server.url, "community")

    # On a phone the main navigation is folded behind its toggler.
    main_nav = page.get_by_role("navigation", name="Main navigation")
    main_nav.get_by_role("button", name="Toggle navigation").click()
    # Bootstrap unfolds it with an animation ("collapsing"); a click during it can land on nothing.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    main_nav.get_by_role("link", name="Party building").click()
    expect(page.get_by_test_id("party-tabs")).to_be_visible()
    page.get_by_test_id("party-tabs").get_by_role("link", name="Micro wishes").click()
    expect(page.get_by_test_id("party-tabs").get_by_role("link", name="Micro wishes")).to_have_class(ACTIVE)
    page.get_by_test_id("wish-create").click()

    post_a_wish(page, community)
    expect(page.get_by_role("heading", name="想要一台收音机")).to_be_visible()
    expect(page.get_by_test_id("wish-state")).to_contain_text("posted")
    expect(page.get_by_test_id("wish-resident")).to_have_text("王秀英")
    expect(page.get_by_test_id("wish-timeline").get_by_role("listitem")).to_have_count(1)

    claim_for(page, member)
    expect(page.get_by_text("The claim has been recorded.")).to_be_visible()
    expect(page.get_by_test_id("wish-state")).to_contain_text("claimed")
    expect(page.get_by_test_id("wish-claimant")).to_contain_text(member.name)

    act(page, "fulfil", "Record the fulfilment", {"what was done": "送去一台新收音机，教会老人使用。"})
    expect(page.get_by_text("The wish is recorded as fulfilled.")).to_be_visible()
    expect(page.get_by_test_id("wish-state")).to_contain_text("fulfilled")

    act(page, "confirm", "Confirm with the resident", {"note": "电话回访，老人很满意。"})
    expect(page.get_by_text("The wish is confirmed.")).to_be_visible()
    expect(page.get_by_test_id("wish-state")).to_contain_text("confirmed")
    expect(page.get_by_test_id("wish-resident")).to_have_text("王秀英")
    timeline = page.get_by_test_id("wish-timeline")
    expect(timeline.get_by_role("listitem")).to_have_count(4)
    for entry in ("posted", "claimed", "fulfilled", "confirmed"):
        expect(timeline.get_by_text(entry, exact=True).first).to_be_visible()
    expect(timeline).to_contain_text(member.name)
    expect(timeline).to_contain_text("送去一台新收音机，教会老人使用。")
    expect(timeline).to_contain_text("电话回访，老人很满意。")
    assert_no_sideways_scroll(page, "the wish page")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "wish-detail-phone.png", full_page=True)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Micro wishes").click()
    row = page.get_by_test_id("wish-row").filter(has_text="想要一台收音机")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("wish-resident")).to_have_text("王秀英")
    expect(row.get_by_test_id("wish-state")).to_contain_text("confirmed")
    assert_no_sideways_scroll(page, "the wish list")
    page.screenshot(path=SCREENSHOTS / "wish-list-phone.png", full_page=True)
    assert errors == [], f"the pages logged errors (a content security policy violation?): {errors}"


TABS = [
    # tab, its rows, the screenshot's name
    ("Member registration", "registration-row", "registrations"),
    ("Micro wishes", "wish-row", "wishes"),
    ("Co-building", "agreement-row", "cobuilding"),
    ("Projects", "project-row", "projects"),
    ("Councils", "meeting-row", "councils"),
]


def test_a_street_admin_walks_the_cogovernance_tabs_and_the_public_sees_the_wish_wall(
    page: Page, live_server, browser: Browser
):
    city = build_city()
    loaded = demo_cogovernance()
    for part in ("registrations", "wishes", "agreements", "projects", "meetings"):
        assert getattr(loaded, part), f"the demo loaded no {part} on the test city: {loaded}"
    errors = collect_errors(page)
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_in_english(page, live_server.url, "street")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Party building").click()
    tabs = page.get_by_test_id("party-tabs")
    expect(tabs.get_by_role("link", name="Organisations")).to_have_class(ACTIVE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, row_id, shot in TABS:
        tabs.get_by_role("link", name=name).click()
        expect(tabs.get_by_role("link", name=name)).to_have_class(ACTIVE)
        expect(tabs.locator("a.active")).to_have_count(1)
        expect(page.get_by_role("heading", name="Party building", level=1)).to_be_visible()
        expect(page.get_by_test_id(row_id).first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / f"cogov-{shot}.png", full_page=True)

    # The public wall of the first community: only the unclaimed wishes, the residents' names masked.
    community = city.communities[0]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        wall = context.new_page()
        wall_errors = collect_errors(wall)
        wall.goto(live_server.url + reverse("wishes:wall", args=[community.code]))
        expect(wall.get_by_role("heading", name=community.name)).to_be_visible()
        residents = wall.get_by_test_id("wall-resident")
        expect(residents.first).to_be_visible()
        names = residents.all_inner_texts()
        assert names
        assert all("**" in name for name in names), names
        # The demo's two unclaimed wishes are those of 王秀英 and 刘建国.
        expect(residents).to_have_count(2)
        for full_name in ("王秀英", "刘建国"):
            expect(wall.get_by_test_id("wall")).not_to_contain_text(full_name)
        wall.screenshot(path=SCREENSHOTS / "cogov-wish-wall.png", full_page=True)
    finally:
        context.close()
    assert errors == [], f"the pages logged errors (a content security policy violation?): {errors}"
    assert wall_errors == [], f"the wish wall logged errors: {wall_errors}"
