"""API keys on the wire: `Authorization: Api-Key gg_<prefix>_<secret>`.

The authentication finds the key by its prefix, compares the keyed hash of the whole key in constant
time, and then, in the same step, checks what this call needs: the client is active, the endpoint accepts
keys, the key holds the scope the method needs, and the key is within its rate limit. Doing it here, and
not in each view's permission classes, means no endpoint can forget it.
"""

import hmac
import secrets
import time

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from apps.core.crypto import keyed_hash

from .models import ApiKey
from .scopes import ANY_SCOPE, required_scope

KEYWORD = "Api-Key"
PREFIX_BYTES = 6
SECRET_BYTES = 24
# How long `last_used_at` may lag: writing it on every call would add a write to every read.
LAST_USED_PRECISION = 60


def key_generate() -> tuple[str, str]:
    """A new key (to show once) and its prefix (to store)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return f"gg_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}", prefix


def key_hash(raw: str) -> str:
    return keyed_hash(f"api-key:{raw}")


def key_find(raw: str) -> ApiKey | None:
    """The usable key `raw` is, or None: unknown, mistyped, revoked or expired all answer alike."""
    parts = raw.split("_")
    if len(parts) < 3 or parts[0] != "gg":
        return None
    key = ApiKey.objects.select_related("client__user").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.hashed, key_hash(raw)):
        return None
    if not key.is_usable() or not key.client.is_active or not key.client.user.is_active:
        return None
    return key


def rate_check(key: ApiKey) -> None:
    """At most the client's `rate_limit` calls per minute per key: a counter per key and minute in the
    cache (Redis in production, shared by all workers)."""
    window = int(time.time() // 60)
    counter = f"gridgov:apikey:{key.pk}:{window}"
    cache.add(counter, 0, timeout=120)
    try:
        calls = cache.incr(counter)
    except ValueError:  # the counter expired between add and incr
        cache.set(counter, 1, timeout=120)
        calls = 1
    if calls > key.client.rate_limit:
        raise exceptions.Throttled(
            wait=60 - time.time() % 60,
            detail=_("Too many calls with this API key: the limit is %(limit)s per minute.")
            % {"limit": key.client.rate_limit},
        )


def key_may_call(key: ApiKey, view, method: str) -> None:
    """Refuse (403) a call the endpoint or the key's scopes do not allow."""
    needed = required_scope(view, method) if view is not None else None
    if needed is None:
        raise exceptions.PermissionDenied(_("This endpoint cannot be called with an API key."))
    if needed != ANY_SCOPE and needed not in key.client.scopes:
        raise exceptions.PermissionDenied(
            _("This API key lacks the scope this call needs: %(scope)s.") % {"scope": needed}
        )


def key_used(key: ApiKey, request) -> None:
    """Remember the key for the call log (apps.integrations.middleware) and when it was last used."""
    request._request.gridgov_api_key = key
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as: Authorization: Api-Key <key>."))
        return self.authenticate_raw(request, header[1].decode(errors="replace"))

    def authenticate_raw(self, request, raw: str):
        """Authenticate `raw` for this request (Open311 sends the key as a parameter instead)."""
        key = key_find(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(
                _("This API key is not valid: unknown, revoked or expired.")
            )
        key_used(key, request)
        key_may_call(key, request.parser_context.get("view"), request.method)
        rate_check(key)
        return key.client.user, key

    def authenticate_header(self, request):
        return KEYWORD
