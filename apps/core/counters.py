"""Counters of fixed time windows in the cache, for rate limits: the API keys' calls per minute and the
public report's submissions per hour count through here.

On Redis (production: the counters must be shared by every worker process) taking a count is one round
trip: INCR and EXPIRE sent in one pipeline, with one more key read alongside when the caller asks (the API
keys' generation, apps.integrations.keys). Django's cache API would take three round trips (ADD, then
EXISTS and INCRBY), each through a newly built client. Any other cache (the local memory of the embedded
default and of tests) is counted through the cache API. Both store the count as a plain integer under the
cache's own key, so that the cache API reads and changes what the pipeline wrote, and the other way round.
"""

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

_clients: dict[int, tuple[Any, Any]] = {}
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Count:
    """The count of this window after taking one, the window's cache key, and the value read alongside."""

    value: int
    key: str
    read: Any = None


def count(name: str, *, window: int, read: str | None = None) -> Count:
    """Add one to the counter `name` of the current window of `window` seconds and return it; `read`
    names a cache key whose value comes back with it (None when it is not set)."""
    key = f"{name}:{int(time.time() // window)}"
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        try:
            client, serializer = _client(cache)
        except AttributeError:  # Django's Redis backend changed its insides: count through the cache API
            logger.warning("Counting through the cache API: Django's Redis client was not found")
        else:
            return _count_on_redis(cache, (client, serializer), key, window=window, read=read)
    # The counter outlives its window, so that a count taken as the window ends is not lost.
    cache.add(key, 0, timeout=window * 2)
    try:
        value = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=window * 2)
        value = 1
    return Count(value, key, cache.get(read) if read else None)


def give_back(counted: Count) -> None:
    """Take back a count that did not happen after all (the window may have ended meanwhile)."""
    with contextlib.suppress(ValueError):
        caches["default"].decr(counted.key)


def _count_on_redis(cache: RedisCache, redis, key: str, *, window: int, read: str | None) -> Count:
    client, serializer = redis
    pipeline = client.pipeline(transaction=False)
    full_key = cache.make_and_validate_key(key)
    pipeline.incr(full_key)
    pipeline.expire(full_key, window * 2)
    if read:
        pipeline.get(cache.make_and_validate_key(read))
    answers = pipeline.execute()
    value = None if not read or answers[2] is None else serializer.loads(answers[2])
    return Count(int(answers[0]), key, value)


def _client(cache: RedisCache):
    """A Redis client on the cache's own connection pool, built once per pool (the cache builds one per
    call); clients are safe to share between threads. This reads Django's private attributes of its Redis
    backend (5.2), hence the fallback in `count`."""
    pool = cache._cache._get_connection_pool(write=True)
    entry = _clients.get(id(pool))
    if entry is None or entry[0] is not pool:
        entry = (pool, cache._cache._client(connection_pool=pool))
        _clients[id(pool)] = entry
    return entry[1], cache._cache._serializer
