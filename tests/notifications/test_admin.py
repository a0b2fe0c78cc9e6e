"""The admin: notifications and deliveries read-only, failed deliveries sent again."""

import pytest
from django.urls import reverse

from apps.notifications.choices import DeliveryState, NotificationKind
from apps.notifications.models import Delivery
from apps.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(people):
    notify(recipients=[people["wang"]], kind=NotificationKind.ESCALATION, title="升级", key="k")
    Delivery.objects.update(
        state=DeliveryState.FAILED, attempts=8, next_attempt_at=None, last_error="550 mailbox unavailable"
    )
    return Delivery.objects.get()


def test_deliveries_are_listed_with_their_state_and_error_and_cannot_be_added(client, superuser, failed):
    client.force_login(superuser)
    response = client.get(reverse("admin:notifications_delivery_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "550 mailbox unavailable" in page
    assert client.get(reverse("admin:notifications_delivery_add")).status_code == 403
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    detail = client.get(reverse("admin:notifications_notification_change", args=[failed.notification_id]))
    assert detail.status_code == 200
    assert client.post(reverse("admin:notifications_delivery_delete", args=[failed.pk])).status_code == 403


def test_redeliver_queues_a_failed_delivery_again(
    client, superuser, failed, django_capture_on_commit_callbacks, queued
):
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "redeliver", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (DeliveryState.PENDING, 0)
    assert queued == [failed.pk]
