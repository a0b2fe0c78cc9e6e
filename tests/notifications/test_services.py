"""notify and reading: what is created, what a repeat leaves alone, what is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.services import user_create
from apps.notifications.choices import DeliveryState, NotificationKind
from apps.notifications.models import Delivery, Notification
from apps.notifications.services import (
    QUEUE_GRACE,
    delivery_retry,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
)

pytestmark = pytest.mark.django_db


def remind(recipients, key="reminder:deadline-1:50", **fields):
    return notify(
        recipients=recipients,
        kind=fields.pop("kind", NotificationKind.REMINDER),
        title=fields.pop("title", "请尽快签收派单 #1"),
        body=fields.pop("body", "派单 #1 已过时限的一半。"),
        link=fields.pop("link", "/cases/1/"),
        key=key,
        **fields,
    )


def test_one_notification_per_recipient_and_a_pending_mail_for_those_with_an_address(
    people, django_capture_on_commit_callbacks, queued
):
    with django_capture_on_commit_callbacks(execute=True):
        created = remind(people.values())
    assert [n.recipient.username for n in created] == ["wang", "li", "zhao"]
    assert all(n.read_at is None and n.kind == NotificationKind.REMINDER for n in created)
    deliveries = Delivery.objects.order_by("id")
    assert [(d.notification.recipient.username, d.channel, d.state) for d in deliveries] == [
        ("wang", "email", DeliveryState.PENDING),
        ("li", "email", DeliveryState.PENDING),
    ]
    assert all(d.next_attempt_at == d.created_at + QUEUE_GRACE for d in deliveries)
    # Queued once committed, one task per delivery.
    assert queued == [d.pk for d in deliveries]


def test_a_repeated_key_is_a_no_op(people, django_capture_on_commit_callbacks, queued):
    first = remind([people["wang"], people["li"]])
    with django_capture_on_commit_callbacks(execute=True):
        again = remind(people.values())
    # Only zhao, who had no notification with this key, gets one; he has no mail address.
    assert [n.recipient.username for n in again] == ["zhao"]
    assert Notification.objects.count() == 3
    assert Delivery.objects.count() == 2
    assert queued == []
    assert remind(people.values()) == []
    # Another key, or none, is another notification.
    assert len(remind([people["wang"]], key="reminder:deadline-1:100")) == 1
    assert len(remind([people["wang"]], key="")) == 1
    assert len(remind([people["wang"]], key="")) == 1
    assert Notification.objects.filter(recipient=people["wang"]).count() == 4
    assert first[0].pk == Notification.objects.get(recipient=people["wang"], key="reminder:deadline-1:50").pk


def test_recipients_are_distinct_and_inactive_people_are_left_out(people):
    people["li"].is_active = False
    people["li"].save()
    created = remind([people["wang"], people["wang"], people["li"], people["zhao"]])
    assert [n.recipient.username for n in created] == ["wang", "zhao"]
    assert remind([]) == []


def test_nothing_is_queued_when_the_callers_transaction_rolls_back(
    people, django_capture_on_commit_callbacks, queued
):
    def failing_caller():
        with transaction.atomic():
            remind(people.values())
            raise RuntimeError("the caller failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_caller()
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert queued == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "gossip"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"link": "https://evil.example.com/"}, "link"),
        ({"link": "//evil.example.com/"}, "link"),
        ({"link": "cases/1/"}, "link"),
        ({"link": "javascript:alert(1)"}, "link"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(people, fields, field):
    with pytest.raises(ValidationError) as error:
        remind(people.values(), **fields)
    assert field in error.value.message_dict
    assert Notification.objects.count() == 0


def test_marking_read_is_for_the_recipient_only_and_idempotent(people):
    wang, li = people["wang"], people["li"]
    notification = remind([wang])[0]
    with pytest.raises(ValidationError):
        notification_mark_read(notification=notification, user=li)
    marked = notification_mark_read(notification=notification, user=wang)
    first_read = Notification.objects.get(pk=notification.pk).read_at
    assert first_read is not None
    assert marked.read_at == first_read
    notification_mark_read(notification=Notification.objects.get(pk=notification.pk), user=wang)
    assert Notification.objects.get(pk=notification.pk).read_at == first_read


def test_mark_all_read_touches_only_the_users_unread(people):
    wang, li = people["wang"], people["li"]
    for number in range(3):
        remind([wang, li], key=f"k{number}")
    assert notifications_mark_all_read(user=wang) == 3
    assert notifications_mark_all_read(user=wang) == 0
    assert Notification.objects.filter(recipient=li, read_at__isnull=True).count() == 3


def test_only_administrators_redeliver_and_never_a_sent_mail(
    people, superuser, django_capture_on_commit_callbacks, queued
):
    remind([people["wang"]])
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED, attempts=8, next_attempt_at=None, last_error="550 mailbox unavailable"
    )
    with pytest.raises(ValidationError):
        delivery_retry(delivery=delivery, actor=people["li"])
    with django_capture_on_commit_callbacks(execute=True):
        retried = delivery_retry(delivery=delivery, actor=superuser)
    assert (retried.state, retried.attempts) == (DeliveryState.PENDING, 0)
    assert queued == [delivery.pk]
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENT)
    with pytest.raises(ValidationError):
        delivery_retry(delivery=delivery, actor=superuser)


def test_an_administrator_without_superuser_rights_may_redeliver(people):
    staff = user_create(username="ops", password="Grid-Test-Passw0rd", is_staff=True)
    remind([people["wang"]])
    assert delivery_retry(delivery=Delivery.objects.get(), actor=staff).state == DeliveryState.PENDING
