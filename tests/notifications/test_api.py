"""Notifications through the API: own only, filters, marking read, the unread count."""

import pytest
from django.urls import reverse

from apps.notifications.choices import NotificationKind
from apps.notifications.models import Notification
from apps.notifications.services import notify
from tests.api_helpers import api_as, assert_list_cost, ids

pytestmark = pytest.mark.django_db
NOTIFICATIONS = reverse("api:notification-list")
READ_ALL = reverse("api:notification-read-all")
UNREAD_COUNT = reverse("api:notification-unread-count")


def send(user, title, kind=NotificationKind.REMINDER):
    return notify(recipients=[user], kind=kind, title=title, link="/cases/1/")[0]


def read_url(notification) -> str:
    return reverse("api:notification-read", args=[notification.pk])


def test_the_list_holds_own_notifications_unread_first(people):
    wang, li = people["wang"], people["li"]
    first = send(wang, "一")
    second = send(wang, "二", kind=NotificationKind.OVERDUE)
    theirs = send(li, "给李强的")
    Notification.objects.filter(pk=second.pk).update(read_at=first.created_at)
    api = api_as(wang)
    response = api.get(NOTIFICATIONS)
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [first.pk, second.pk]
    assert rows[0]["url"].endswith(reverse("api:notification-detail", args=[first.pk]))
    assert {key: rows[1][key] for key in ("kind", "kind_label", "title", "link", "is_read")} == {
        "kind": "overdue",
        "kind_label": "overdue",
        "title": "二",
        "link": "/cases/1/",
        "is_read": True,
    }
    assert ids(api.get(NOTIFICATIONS, {"unread": "true"})) == {first.pk}
    assert ids(api.get(NOTIFICATIONS, {"unread": "false"})) == {second.pk}
    assert ids(api.get(NOTIFICATIONS, {"kind": "overdue"})) == {second.pk}
    assert api.get(reverse("api:notification-detail", args=[theirs.pk])).status_code == 404


def test_the_list_costs_the_same_whatever_the_page_size(people, django_assert_num_queries):
    wang = people["wang"]
    for number in range(50):
        send(wang, f"提醒 {number}")
    # token and user, count, rows
    assert_list_cost(django_assert_num_queries, api_as(wang), NOTIFICATIONS, 3)


def test_marking_one_read_and_someone_elses_is_not_found(people):
    wang, li = people["wang"], people["li"]
    mine, theirs = send(wang, "一"), send(li, "给李强的")
    api = api_as(wang)
    response = api.post(read_url(mine))
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert api.post(read_url(mine)).status_code == 200
    assert api.post(read_url(theirs)).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_unread_count_and_read_all(people):
    wang, li = people["wang"], people["li"]
    for number in range(3):
        send(wang, f"提醒 {number}")
    send(li, "给李强的")
    api = api_as(wang)
    assert api.get(UNREAD_COUNT).json() == {"unread": 3}
    assert api.post(READ_ALL).json() == {"marked_read": 3}
    assert api.get(UNREAD_COUNT).json() == {"unread": 0}
    assert api_as(li).get(UNREAD_COUNT).json() == {"unread": 1}


def test_a_user_without_any_role_uses_the_api(people):
    # Notifications need no role: people without one (a new account) still read their own.
    send(people["zhao"], "欢迎")
    api = api_as(people["zhao"])
    assert api.post(READ_ALL).status_code == 200


def test_anonymous_requests_are_refused(client):
    assert client.get(NOTIFICATIONS).status_code == 401
    assert client.get(UNREAD_COUNT).status_code == 401


def test_the_schema_documents_the_notification_endpoints(tmp_path):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    assert {
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
        "/api/v1/notifications/unread-count/",
    } <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/notifications/"]["get"]["parameters"]}
    assert {"unread", "kind", "page", "page_size"} <= parameters
    assert "parameters" not in paths["/api/v1/notifications/unread-count/"]["get"]
