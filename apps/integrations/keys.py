"""API keys on the wire: `Authorization: Api-Key gg_<prefix>_<secret>`.

The authentication finds the key by its prefix, compares the keyed hash of the whole key in constant
time, and then, in the same step, checks what this call needs: the client is active, the endpoint accepts
keys, the key holds the scope the method needs, and the key is within its rate limit. Doing it here, and
not in each view's permission classes, means no endpoint can forget it.

A system calls many times a second with the same key, so each server process keeps the keys it has found
(with their client and system account) instead of reading them again on every call. What keeps that copy
true is the keys' generation, a token in the cache (Redis in production, shared by every process) that
any change to a key, a client or a user renews once committed (`keys_changed`, connected in apps.py).
Every call reads the generation in the same round trip that counts it against the rate limit
(apps.core.counters), and a copy found under another generation is read again from the database: a
revoked key, a deactivated client or a changed scope takes effect at once on every process.
"""

import copy
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from apps.accounts.scope import forget_scope
from apps.core.counters import count
from apps.core.crypto import keyed_hash

from .models import ApiKey
from .scopes import ANY_SCOPE, required_scope

KEYWORD = "Api-Key"
PREFIX_BYTES = 6
SECRET_BYTES = 24
# How long `last_used_at` may lag: writing it on every call would add a write to every read.
LAST_USED_PRECISION = 60
GENERATION = "gridgov:apikeys:generation"
# A key kept longer than this is read again whatever the generation says: the bound on how long a change
# could go unnoticed should renewing the generation fail (the cache down at the moment of the commit).
KEEP_SECONDS = 60
NOT_VALID = gettext_lazy("This API key is not valid: unknown, revoked or expired.")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Kept:
    generation: str
    since: float
    key: ApiKey


# The keys this process has found, by the keyed hash of the whole key. Keys of a few systems; a process
# that is sent many made-up keys keeps none of them (only found keys are kept).
_found: dict[str, _Kept] = {}


def key_generate() -> tuple[str, str]:
    """A new key (to show once) and its prefix (to store)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return f"gg_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}", prefix


def key_hash(raw: str) -> str:
    return keyed_hash(f"api-key:{raw}")


def key_find(raw: str) -> ApiKey | None:
    """The usable key `raw` is, read from the database, or None: unknown, mistyped, revoked or expired all
    answer alike."""
    parts = raw.split("_")
    if len(parts) < 3 or parts[0] != "gg":
        return None
    key = ApiKey.objects.select_related("client__user").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.hashed, key_hash(raw)):
        return None
    return key if _usable(key) else None


def _usable(key: ApiKey) -> bool:
    return key.is_usable() and key.client.is_active and key.client.user.is_active


def key_check(raw: str) -> tuple[ApiKey, int]:
    """The usable key `raw` is, and its calls in this minute with this one (401 for a key that is not
    usable, counting nothing). One round trip to the cache for a key this process knows, and a read of the
    database for one it does not (or whose generation has passed, or that it has kept for a minute)."""
    hashed = key_hash(raw)
    kept = _found.get(hashed)
    calls = None
    if kept is not None and time.monotonic() - kept.since < KEEP_SECONDS:
        calls = count(_counter(kept.key), window=60, read=GENERATION)
        if calls.read == kept.generation:
            if not _usable(kept.key):  # expired since it was found
                raise exceptions.AuthenticationFailed(NOT_VALID)
            return kept.key, calls.value
    # The generation is read before the key, so that a change committed in between renews it after.
    generation = (calls.read if calls is not None else None) or _generation()
    key = key_find(raw)
    if key is None:
        _found.pop(hashed, None)
        raise exceptions.AuthenticationFailed(NOT_VALID)
    _found[hashed] = _Kept(generation, time.monotonic(), key)
    if calls is None:
        calls = count(_counter(key), window=60)
    return key, calls.value


def _generation() -> str:
    """The current generation, made when there is none (first use, or the cache lost it)."""
    cache.add(GENERATION, secrets.token_hex(8), timeout=None)
    return cache.get(GENERATION)


def rate_check(key: ApiKey, calls: int) -> None:
    """At most the client's `rate_limit` calls per minute per key (429 past it)."""
    if calls > key.client.rate_limit:
        raise exceptions.Throttled(
            wait=60 - time.time() % 60,
            detail=_("Too many calls with this API key: the limit is %(limit)s per minute.")
            % {"limit": key.client.rate_limit},
        )


def _counter(key: ApiKey) -> str:
    return f"gridgov:apikey:{key.pk}"


def keys_changed(update_fields=None, **_kwargs) -> None:
    """A key, a client or a user changed: this process reads its keys again from now on, and every process
    does once the change is committed. (Reading too early costs a read and finds the old state, which the
    new generation then replaces.) A person signing in writes only their last login: nothing a key uses."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _found.clear()
    transaction.on_commit(_next_generation)


def _next_generation() -> None:
    # A new random token rather than a count: a count could come back to a value a process already holds
    # after the cache lost it.
    _found.clear()
    try:
        cache.set(GENERATION, secrets.token_hex(8), timeout=None)
    except Exception:  # the change is committed; the other processes read their keys within KEEP_SECONDS
        logger.exception("Could not renew the API keys' generation")


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
        key.last_used_at = now


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
        kept, calls = key_check(raw)
        key_used(kept, request)
        key_may_call(kept, request.parser_context.get("view"), request.method)
        rate_check(kept, calls)
        key = _for_this_call(kept)
        return key.client.user, key

    def authenticate_header(self, request):
        return KEYWORD


def _for_this_call(kept: ApiKey) -> ApiKey:
    """This call's own copy of a kept key, its client and its system account: what a call loads onto them
    (the account's scope, read from its roles) is loaded afresh by the next, so a role granted or revoked
    counts from the next call on."""
    key = copy.copy(kept)
    key.client = copy.copy(kept.client)
    key.client.user = copy.copy(kept.client.user)
    forget_scope(key.client.user)
    return key
