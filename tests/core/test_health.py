import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_for_any_host(client):
    response = client.get("/healthz", headers={"host": "10.0.0.7:8000"})
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.redis
def test_healthz_reports_the_broker_when_it_is_redis(client, settings):
    # The probe pings the broker itself, whatever REDIS_URL says.
    with override_settings(CELERY_BROKER_URL=settings.REDIS_URL, REDIS_URL="redis://127.0.0.1:9/0"):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_answers_503_when_the_broker_is_down(client):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:9/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
