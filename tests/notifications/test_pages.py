"""The inbox pages: own notifications only, unread first, opening one, the badge of the navigation."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from apps.notifications.choices import NotificationKind
from apps.notifications.models import Notification
from apps.notifications.services import notify

pytestmark = pytest.mark.django_db
INBOX = reverse("notifications:inbox")
BADGE = reverse("notifications:badge")
READ_ALL = reverse("notifications:read_all")


def send(user, title, kind=NotificationKind.REMINDER, link="", minutes_ago=0):
    notification = notify(recipients=[user], kind=kind, title=title, link=link)[0]
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return notification


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [notification.title for notification in response.context["page_obj"]]


def test_the_inbox_lists_own_notifications_unread_first_then_newest(people, as_user):
    wang, li = people["wang"], people["li"]
    oldest = send(wang, "最早", minutes_ago=30)
    send(wang, "较早", minutes_ago=20, kind=NotificationKind.OVERDUE)
    send(wang, "最新", minutes_ago=10)
    send(li, "给李强的")
    Notification.objects.filter(pk=oldest.pk).update(read_at=timezone.now())
    client = as_user(wang)
    response = client.get(INBOX)
    assert titles(response) == ["最新", "较早", "最早"]
    assert response.context["unread"] == 2
    page = response.content.decode()
    assert "给李强的" not in page
    assert "overdue" in page  # the kind's badge
    assert titles(client.get(INBOX, {"show": "unread"})) == ["最新", "较早"]
    assert titles(client.get(INBOX, {"kind": NotificationKind.OVERDUE})) == ["较早"]
    assert titles(client.get(INBOX, {"show": "all", "kind": NotificationKind.REMINDER})) == ["最新", "最早"]


def test_the_inbox_costs_the_same_whatever_the_page_size(people, as_user, django_assert_num_queries):
    wang = people["wang"]
    client = as_user(wang)
    for number in range(60):
        send(wang, f"提醒 {number}", minutes_ago=number)
    client.get(INBOX)
    # session, user, roles (navigation), unread count, page count, page rows, and the session's refresh
    # (saved on every request, in a savepoint)
    with django_assert_num_queries(9):
        assert len(titles(client.get(INBOX))) == 50
    with django_assert_num_queries(9):
        assert len(titles(client.get(INBOX, {"page": 2}))) == 10


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(people, as_user):
    wang = people["wang"]
    with_link = send(wang, "派单 #1", link="/cases/1/")
    without_link = send(wang, "系统维护", kind=NotificationKind.SYSTEM)
    client = as_user(wang)
    response = client.post(reverse("notifications:read", args=[with_link.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/cases/1/"
    response = client.post(reverse("notifications:read", args=[without_link.pk]))
    assert response["Location"] == INBOX
    assert not Notification.objects.filter(recipient=wang, read_at__isnull=True).exists()
    assert client.get(reverse("notifications:read", args=[with_link.pk])).status_code == 405


def test_someone_elses_notification_is_not_found(people, as_user):
    theirs = send(people["li"], "给李强的")
    response = as_user(people["wang"]).post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read(people, as_user):
    wang, li = people["wang"], people["li"]
    for number in range(3):
        send(wang, f"提醒 {number}")
    send(li, "给李强的")
    response = as_user(wang).post(READ_ALL, follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert "3 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=wang, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=li, read_at__isnull=True).count() == 1


def test_the_badge_shows_the_unread_count(people, as_user, django_assert_num_queries):
    wang = people["wang"]
    client = as_user(wang)
    assert client.get(BADGE).content.decode().strip() == ""
    send(wang, "一")
    send(wang, "二")
    send(people["li"], "给李强的")
    client.get(BADGE)
    # session, user, the count; polling does not refresh the session
    with django_assert_num_queries(3):
        response = client.get(BADGE)
    assert '<span class="badge' in response.content.decode()
    assert ">2<" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_polling_the_badge_does_not_keep_an_idle_session_alive(people, as_user):
    client = as_user(people["wang"])
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    expiry = Session.objects.get(session_key=key).expire_date
    for _poll in range(3):
        assert client.get(BADGE).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == expiry
    # Any page does.
    client.get(INBOX)
    assert Session.objects.get(session_key=key).expire_date > expiry


def test_the_badge_answers_401_once_the_session_is_gone(client):
    assert client.get(BADGE).status_code == 401


def test_every_page_shell_loads_the_badge_with_htmx(people, as_user):
    response = as_user(people["zhao"]).get(reverse("core:home"))
    items = response.context["nav_items"]
    assert [str(item["label"]) for item in items][:2] == ["Workbench", "Notifications"]
    assert items[1]["url"] == INBOX
    page = response.content.decode()
    assert f'hx-get="{BADGE}" hx-trigger="load, every 60s"' in page
