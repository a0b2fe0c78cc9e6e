import pytest


@pytest.fixture(autouse=True)
def _loopback_targets(settings):
    """The receivers of these tests listen on http://127.0.0.1."""
    settings.WEBHOOKS_ALLOW_HTTP = True
