"""Fixtures shared by the whole suite.

Tests that need PostgreSQL, Redis or Chromium carry a marker. Where the service is missing they skip on a
developer's machine and fail when CI=true, so that CI can never pass by skipping them.
"""

import os
import shutil

import pytest
import redis
from django.conf import settings
from django.db import connection

from apps.accounts.services import user_create
from tests.builders import build_city

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Grid-Test-Passw0rd"


def _redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _require(available: bool, what: str) -> None:
    if available:
        return
    message = f"{what} is not available; `make test` starts it."
    if IN_CI:
        pytest.fail(f"{message} CI=true, so this test fails instead of skipping.", pytrace=False)
    pytest.skip(message)


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser"):
        # Playwright's sync API keeps an event loop in the main thread from the first browser test to the
        # end of the session (its session fixtures start before any of the test's own), and Django takes
        # that for async code; the ORM calls of tests, the database set-up and teardown are still
        # synchronous. Browser tests run last, so every other test keeps Django's guard.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if item.get_closest_marker("postgres"):
        _require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    if item.get_closest_marker("redis"):
        _require(_redis_available(), "Redis (REDIS_URL)")
    if item.get_closest_marker("browser"):
        _require(shutil.which(CHROMIUM) is not None, f"Chromium ({CHROMIUM})")


def pytest_collection_modifyitems(config, items):
    # Browser tests run last: see _allow_orm_beside_playwright.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The rows that data migrations write (the work calendar, version 1 of the SLA policies) are wiped by
    the flush that ends every transactional test; the tests that follow get them written again."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from apps.dispatch.services import sla_policies_seed_defaults
    from apps.workcalendar.models import WorkDay
    from apps.workcalendar.services import calendar_seed

    sla_policies_seed_defaults()
    if not WorkDay.objects.exists():
        calendar_seed()
    from apps.residents.defaults import seed_reference
    from apps.residents.models import CareTag, RiskRule
    from apps.visits.defaults import seed_plans
    from apps.visits.models import VisitPlan

    seed_reference(CareTag, RiskRule)
    seed_plans(VisitPlan, CareTag)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def redis_cache(settings):
    """The default cache on the test Redis, as in production (the API keys' counters and generation, the
    public report's throttle), emptied before and after the test."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": "test",
        }
    }
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def staff_user(db):
    return user_create(username="street", password=PASSWORD, full_name="王晓明")


@pytest.fixture
def superuser(db):
    return user_create(username="root", password=PASSWORD, full_name="系统管理员", is_superuser=True)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def city(db):
    """A small city with one user per role (tests/builders.py)."""
    return build_city()


@pytest.fixture
def as_user(client):
    """Signs a user in, with the pages in English so that messages can be compared with their msgids."""

    def sign_in(user):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign_in
