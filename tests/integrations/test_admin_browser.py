"""A system administrator registers the 12345 hotline in the admin, issues its key, sees it once and
revokes it, in Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.services import user_create
from apps.integrations.models import ApiKey, IntegrationClient
from tests.builders import PASSWORD, build_city

from .support import api_with_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_an_administrator_issues_a_key_and_revokes_it(page: Page, live_server):
    city = build_city()
    user_create(username="root", password=PASSWORD, is_superuser=True)
    errors: list[str] = []
    failed: list[str] = []
    # The admin's pages ask for /favicon.ico, which GridGov does not serve at the root: a console error
    # that names no address, so failed responses are collected by address instead.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and errors.append(message.text)
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and failed.append(response.url)
        ),
    )
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/integrations/integrationclient/add/")
    page.locator("#id_username").fill("root")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")

    page.locator("#id_name").fill("12345 市民服务热线")
    page.locator("#id_code").fill("12345")
    page.locator("#id_area").fill(str(city.district.pk))
    page.locator("input[name=scopes][value='cases.create']").check()
    page.locator("input[name=scopes][value='cases.read']").check()
    page.locator("input[name=_continue]").click()
    client = IntegrationClient.objects.get(code="12345")

    page.locator("button[form=key-issue]").click()
    key = page.locator("#api-key").inner_text()
    assert key.startswith("gg_")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "integration-key-issued.png", full_page=True)
    assert api_with_key(key).get("/api/v1/integrations/me/").status_code == 200

    page.go_back()
    page.reload()
    prefix = ApiKey.objects.get(client=client).prefix
    expect(page.get_by_text(f"gg_{prefix}_…")).to_be_visible()
    expect(page.get_by_text(key)).to_have_count(0)
    page.locator(f"button[form=key-revoke-{ApiKey.objects.get(client=client).pk}]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert api_with_key(key).get("/api/v1/integrations/me/").status_code == 401
    assert errors == []
    assert failed == []
