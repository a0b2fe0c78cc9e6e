"""API keys: who a key is, what it may call, where it reaches, how often, and that every call is logged."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.services import role_grant, role_revoke
from apps.integrations import keys
from apps.integrations.models import ApiCall, ApiKey, IntegrationClient
from apps.integrations.scopes import KeyScope
from apps.integrations.services import client_register, client_update, key_issue, key_revoke, key_rotate
from tests.cases.api_support import report
from tests.dispatch.support import install_clock
from tests.hotline.support import hotline_for, order_url, receive

from .support import api_with_key, register

pytestmark = pytest.mark.django_db

ME = "/api/v1/integrations/me/"
CASES = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def test_a_key_is_shown_once_and_stored_only_as_prefix_and_keyed_hash(city):
    client, raw = register(city.streets[0])
    key = ApiKey.objects.get(client=client)
    assert raw.startswith(f"gg_{key.prefix}_")
    # Neither the key nor its secret is stored anywhere in the key's row.
    secret = raw.split("_", 2)[2]
    stored = " ".join(str(value) for value in ApiKey.objects.filter(pk=key.pk).values().get().values())
    assert raw not in stored
    assert secret not in stored
    response = api_with_key(raw).get(ME)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["code"] == "hotline"
    assert body["area"]["id"] == city.streets[0].pk
    assert body["key"]["prefix"] == key.prefix


@pytest.mark.parametrize(
    "header",
    ["Api-Key gg_000000000000_wrong", "Api-Key nonsense", "Api-Key", "Api-Key a b"],
)
def test_a_wrong_key_is_401_and_logs_nothing(city, header):
    register(city.streets[0])
    api = api_with_key("x")
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["message"]
    assert response["WWW-Authenticate"]
    assert ApiCall.objects.count() == 0


def test_a_key_with_a_right_prefix_but_wrong_secret_is_401(city):
    _client, raw = register(city.streets[0])
    response = api_with_key(raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")).get(ME)
    assert response.status_code == 401


def test_a_revoked_key_stops_at_once(city):
    client, raw = register(city.streets[0])
    key_revoke(actor=None, key=client.keys.get())
    assert api_with_key(raw).get(ME).status_code == 401
    with pytest.raises(ValidationError):
        key_revoke(actor=None, key=client.keys.get())


def test_a_rotated_key_works_through_its_grace_then_stops(city, monkeypatch):
    client, old_raw = register(city.streets[0])
    old = client.keys.get()
    new, new_raw = key_rotate(actor=None, key=old)
    assert api_with_key(old_raw).get(ME).status_code == 200
    assert api_with_key(new_raw).get(ME).status_code == 200
    old.refresh_from_db()
    assert timedelta(hours=23) < old.expires_at - timezone.now() <= timedelta(hours=24)
    # The grace ends while this process still holds the key from the calls above.
    install_clock(monkeypatch, old.expires_at + timedelta(seconds=1))
    assert api_with_key(old_raw).get(ME).status_code == 401
    assert api_with_key(new_raw).get(ME).status_code == 200
    assert new.pk != old.pk


def test_a_deactivated_client_has_no_working_key(city):
    client, raw = register(city.streets[0])
    client_update(
        actor=None,
        client=client,
        name=client.name,
        area=client.area,
        scopes=client.scopes,
        rate_limit=client.rate_limit,
        is_active=False,
    )
    assert api_with_key(raw).get(ME).status_code == 401
    with pytest.raises(ValidationError):
        key_issue(actor=None, client=client)


def test_a_key_is_refused_on_endpoints_that_do_not_accept_keys(city):
    _client, raw = register(city.streets[0])
    response = api_with_key(raw).get("/api/v1/residents/")
    assert response.status_code == 403
    assert "API key" in response.json()["error"]["message"]


def test_a_scope_the_key_lacks_is_403(city):
    _client, raw = register(city.streets[0], scopes=[KeyScope.FIGURES_READ])
    response = api_with_key(raw).get(CASES)
    assert response.status_code == 403
    assert "cases.read" in response.json()["error"]["message"]


def test_the_area_limit_scopes_what_a_key_reads(city):
    inside = report(city, actor="district", area=city.grids[0])
    outside = report(city, actor="district", area=city.grids[-1])
    _client, raw = register(city.communities[0], scopes=[KeyScope.CASES_READ])
    api = api_with_key(raw)
    listed = {row["id"] for row in api.get(CASES).json()["results"]}
    assert inside.pk in listed
    assert outside.pk not in listed
    assert api.get(f"{CASES}{outside.pk}/").status_code == 404
    assert api.get(f"{CASES}{inside.pk}/").status_code == 200


def test_the_rate_limit_answers_429_after_the_limit(city):
    _client, raw = register(city.streets[0], rate_limit=3)
    api = api_with_key(raw)
    assert [api.get(ME).status_code for _ in range(4)] == [200, 200, 200, 429]
    response = api.get(ME)
    assert response.status_code == 429
    assert "3" in response.json()["error"]["message"]
    assert response["Retry-After"]


def test_every_call_is_logged_with_its_status(city):
    client, raw = register(city.streets[0], scopes=[KeyScope.FIGURES_READ])
    api = api_with_key(raw)
    api.get(ME)
    api.get(CASES)
    calls = list(ApiCall.objects.filter(client=client).order_by("id").values_list("method", "path", "status"))
    assert calls == [("GET", ME, 200), ("GET", CASES, 403)]
    client.keys.get().refresh_from_db()
    assert ApiKey.objects.get(client=client).last_used_at is not None


def test_the_integration_role_cannot_be_granted_by_hand(city):
    with pytest.raises(ValidationError) as error:
        role_grant(actor=None, user=city.users["gridworker"], role=Role.INTEGRATION, area=city.streets[0])
    assert "role" in error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["cases.delete"]}, "scopes"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"area": "grid"}, "area"),
    ],
)
def test_a_bad_registration_is_refused_and_writes_nothing(city, changes, field):
    fields = {"name": "City platform", "code": "city", "area": city.streets[0], "scopes": ["cases.read"]}
    fields.update(changes)
    if fields["area"] == "grid":
        fields["area"] = city.grids[0]
    with pytest.raises(ValidationError) as error:
        client_register(actor=None, **fields)
    assert field in error.value.message_dict
    assert not IntegrationClient.objects.exists()


def test_a_duplicate_code_is_refused(city):
    register(city.streets[0], code="city")
    with pytest.raises(ValidationError):
        client_register(actor=None, name="Other", code="city", area=city.streets[0], scopes=["cases.read"])
    assert IntegrationClient.objects.count() == 1


def test_only_superusers_manage_clients(city):
    with pytest.raises(ValidationError):
        client_register(
            actor=city.users["district"], name="X", code="x", area=city.district, scopes=["cases.read"]
        )


def test_moving_the_area_limit_moves_what_the_key_reads(city):
    inside = report(city, actor="district", area=city.grids[0])
    client, raw = register(city.communities[-1], scopes=[KeyScope.CASES_READ])
    api = api_with_key(raw)
    assert api.get(f"{CASES}{inside.pk}/").status_code == 404
    client_update(
        actor=None,
        client=client,
        name=client.name,
        area=city.communities[0],
        scopes=client.scopes,
        rate_limit=client.rate_limit,
        is_active=True,
    )
    assert api.get(f"{CASES}{inside.pk}/").status_code == 200


# What a process keeps of a key


def me_queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(ME).status_code == 200
    return len(queries)


def test_a_process_reads_a_key_once_and_then_only_counts_it(city):
    _client, raw = register(city.streets[0])
    api = api_with_key(raw)
    # First the key (with its client and system account), its last use, the client with its area for the
    # answer, and the call log; then the key comes from the process.
    first = me_queries(api)
    assert (first, me_queries(api)) == (4, 2)


def test_a_key_kept_by_the_process_stops_when_revoked_here(city):
    client, raw = register(city.streets[0])
    api = api_with_key(raw)
    assert api.get(ME).status_code == 200
    key_revoke(actor=None, key=client.keys.get())
    assert api.get(ME).status_code == 401


@pytest.mark.redis
def test_a_key_kept_by_the_process_stops_when_another_process_revokes_it(city, redis_cache):
    client, raw = register(city.streets[0])
    api = api_with_key(raw)
    assert api.get(ME).status_code == 200
    # Another process revokes it: its row changes, and its commit renews the generation in Redis.
    ApiKey.objects.filter(client=client).update(revoked_at=timezone.now())
    assert api.get(ME).status_code == 200  # this process has not heard of it yet
    redis_cache.set(keys.GENERATION, "renewed by another process", timeout=None)
    assert api.get(ME).status_code == 401


def test_a_committed_change_renews_the_generation(city, django_capture_on_commit_callbacks):
    client, _raw = register(city.streets[0])
    before = cache.get(keys.GENERATION)
    with django_capture_on_commit_callbacks(execute=True):
        key_revoke(actor=None, key=client.keys.get())
    assert cache.get(keys.GENERATION) not in (None, before)


def test_a_sign_in_does_not_renew_the_generation(city, django_capture_on_commit_callbacks):
    cache.set(keys.GENERATION, "before", timeout=None)
    with django_capture_on_commit_callbacks(execute=True):
        update_last_login(None, city.users["street"])
    assert cache.get(keys.GENERATION) == "before"


def test_a_role_revoked_counts_from_the_next_call_on_a_kept_key(city):
    hotline = hotline_for(city)
    receive(hotline)
    api = api_with_key(hotline.key)
    assert api.get(order_url("12345-0001")).status_code == 200
    role_revoke(actor=None, assignment=RoleAssignment.objects.get(user=hotline.client.user))
    # The key is still kept by the process; the system account's scope is read afresh by every call.
    assert api.get(order_url("12345-0001")).status_code == 404
