"""Integration clients for tests: a registered client with a key, and an API client sending that key."""

from rest_framework.test import APIClient

from apps.integrations.scopes import KeyScope
from apps.integrations.services import client_register, key_issue

ALL_SCOPES = list(KeyScope.values)


def register(area, *, code: str = "hotline", scopes=None, rate_limit: int = 600, name: str = ""):
    """A client limited to `area`, registered by the system, and a key for it: (client, raw key)."""
    client = client_register(
        actor=None,
        name=name or f"System {code}",
        code=code,
        area=area,
        scopes=ALL_SCOPES if scopes is None else scopes,
        rate_limit=rate_limit,
    )
    _key, raw = key_issue(actor=None, client=client)
    return client, raw


def api_with_key(raw: str) -> APIClient:
    """An API client sending `raw` as its key, asking for English messages."""
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return api
