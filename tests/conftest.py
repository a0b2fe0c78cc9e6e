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

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test itself are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
    if item.get_closest_marker("postgres"):
        _require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    if item.get_closest_marker("redis"):
        _require(_redis_available(), "Redis (REDIS_URL)")
    if item.get_closest_marker("browser"):
        _require(shutil.which(CHROMIUM) is not None, f"Chromium ({CHROMIUM})")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


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
