"""Production settings refuse to start without their secrets and pass `check --deploy` cleanly."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p" * 20 + "Zq8!vR2#kL9$wX4%nB7^mC1&jH5*fT3(gY6)",
    "DATABASE_URL": "postgres://gridgov:secret@db.invalid:5432/gridgov",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "DJANGO_ALLOWED_HOSTS": "gridgov.example.cn",
}


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and not key.startswith("DJANGO_")
    }
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings.production", **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_a_missing_setting_stops_production_with_a_clear_message(missing):
    result = manage("check", **{missing: ""})
    assert result.returncode != 0
    assert "GridGov production settings need these environment variables" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_a_malformed_encryption_key_is_refused():
    result = manage("check", FIELD_ENCRYPTION_KEY="not-a-key")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be a Fernet key" in result.stderr


def test_the_embedded_default_keys_are_valid_fernet_keys():
    from config.settings import local, test

    for key in (local.FIELD_ENCRYPTION_KEY, test.FIELD_ENCRYPTION_KEY):
        Fernet(key)


def test_the_language_and_time_zone_are_chinese_first():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGES[0][0] == "zh-hans"
