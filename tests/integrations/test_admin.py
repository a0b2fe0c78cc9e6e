"""The admin of integration clients: register, issue a key shown once, rotate, revoke; superusers only."""

import re

import pytest
from django.urls import reverse

from apps.integrations.models import ApiKey, IntegrationClient

from .support import api_with_key

pytestmark = pytest.mark.django_db

ME = "/api/v1/integrations/me/"


@pytest.fixture
def admin_client(client, superuser, settings):
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _register(admin_client, city, **changes):
    data = {
        "name": "City platform",
        "code": "city",
        "area": city.streets[0].pk,
        "scopes": ["cases.read", "figures.read"],
        "rate_limit": 120,
        "description": "",
        "contact": "",
        "is_active": "on",
        **changes,
    }
    return admin_client.post(reverse("admin:integrations_integrationclient_add"), data)


def _issued_key(response) -> str:
    assert response.status_code == 200
    found = re.search(r'<code id="api-key"[^>]*>([^<]+)</code>', response.content.decode())
    assert found, response.content.decode()[:2000]
    return found.group(1)


def test_a_superuser_registers_a_client_and_sees_its_key_once(admin_client, city):
    response = _register(admin_client, city)
    assert response.status_code == 302, response.content.decode()[:3000]
    client = IntegrationClient.objects.get(code="city")
    assert client.user.roles.get().area == city.streets[0]
    assert not client.user.has_usable_password()

    raw = _issued_key(admin_client.post(reverse("admin:integrations_key_issue", args=[client.pk])))
    assert api_with_key(raw).get(ME).status_code == 200
    page = admin_client.get(reverse("admin:integrations_integrationclient_change", args=[client.pk]))
    assert raw not in page.content.decode()
    assert client.keys.get().prefix in page.content.decode()


def test_rotate_and_revoke_from_the_admin(admin_client, city):
    _register(admin_client, city)
    client = IntegrationClient.objects.get(code="city")
    first = _issued_key(admin_client.post(reverse("admin:integrations_key_issue", args=[client.pk])))
    old = client.keys.get()
    second = _issued_key(admin_client.post(reverse("admin:integrations_key_rotate", args=[old.pk])))
    assert api_with_key(first).get(ME).status_code == 200
    assert api_with_key(second).get(ME).status_code == 200
    response = admin_client.post(reverse("admin:integrations_key_revoke", args=[old.pk]), follow=True)
    assert "is revoked" in response.content.decode()
    assert api_with_key(first).get(ME).status_code == 401
    assert api_with_key(second).get(ME).status_code == 200
    # Revoking twice is refused with a message, not an error page.
    response = admin_client.post(reverse("admin:integrations_key_revoke", args=[old.pk]), follow=True)
    assert "already revoked" in response.content.decode()


def test_a_bad_registration_shows_the_error_and_writes_nothing(admin_client, city):
    response = _register(admin_client, city, area=city.grids[0].pk)
    assert IntegrationClient.objects.count() == 0
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        response = admin_client.get(response["Location"])
    assert "district, a street or a community" in response.content.decode()


def test_issuing_a_key_needs_a_post(admin_client, city):
    _register(admin_client, city)
    client = IntegrationClient.objects.get(code="city")
    assert admin_client.get(reverse("admin:integrations_key_issue", args=[client.pk])).status_code == 405
    assert not ApiKey.objects.exists()


def test_staff_who_are_not_superusers_cannot_manage_clients(client, city, settings):
    from apps.accounts.models import User

    User.objects.filter(pk=city.users["district"].pk).update(is_staff=True)
    client.force_login(city.users["district"])
    assert client.get(reverse("admin:integrations_integrationclient_changelist")).status_code == 403
    assert client.get(reverse("admin:integrations_apicall_changelist")).status_code == 403
