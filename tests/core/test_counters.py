"""apps.core.counters on both caches it runs on: the local memory of the embedded default and tests, and
Redis (production), where a count is one pipeline that the cache API must read and change alike."""

import pytest
from django.core.cache import cache

from apps.core import counters
from apps.core.counters import count, give_back

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counters"}}


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request, settings):
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
        yield request.param
        return
    settings.CACHES = LOCAL
    cache.clear()
    yield request.param
    cache.clear()


def test_a_count_adds_one_per_call_within_its_window(backend):
    assert [count("calls", window=60).value for _ in range(3)] == [1, 2, 3]
    assert count("other", window=60).value == 1


def test_a_count_given_back_is_not_counted(backend):
    taken = count("reports", window=3600)
    count("reports", window=3600)
    give_back(taken)
    assert count("reports", window=3600).value == 2


def test_the_cache_api_reads_what_a_count_wrote_and_a_count_reads_what_the_cache_api_wrote(backend):
    counted = count("calls", window=60)
    assert cache.get(counted.key) == 1
    cache.incr(counted.key)
    assert count("calls", window=60).value == 3
    cache.set("generation", "4f2a", timeout=None)
    assert count("calls", window=60, read="generation").read == "4f2a"
    assert count("calls", window=60, read="missing").read is None
    assert count("calls", window=60).read is None


def test_each_window_counts_on_its_own(backend, monkeypatch):
    monkeypatch.setattr(counters.time, "time", lambda: 1_000_000 * 60 + 59)
    assert count("calls", window=60).value == 1
    assert count("calls", window=60).value == 2
    monkeypatch.setattr(counters.time, "time", lambda: 1_000_001 * 60)
    assert count("calls", window=60).value == 1


@pytest.mark.redis
def test_on_redis_a_count_expires_with_its_window(redis_cache):
    counted = count("calls", window=60)
    client = redis_cache._cache.get_client(write=True)
    assert 60 < client.ttl(redis_cache.make_and_validate_key(counted.key)) <= 120
