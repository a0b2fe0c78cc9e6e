"""Sending deliveries: a signed POST per delivery, retried with exponential backoff until the receiver
answers 2xx, given up only 72 hours after the delivery was made (or last redelivered by hand).

A subscription's deliveries are sent by one worker at a time (a lease on the subscription), in the order
of their events. A receiver that cannot take anything (no connection, a timeout, 408, 429 or 5xx) ends the
run, and the subscription's later deliveries wait behind the one backing off, so that they arrive in order
when it is back. A receiver that refuses one delivery (another 4xx, or a redirect) delays only that one.

The delivery row is the truth: its attempt runs under its row lock and records the outcome in the same
transaction. A Celery message only makes the attempt come sooner; the beat task finds what is due.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta
from http.client import HTTPException

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.crypto import decrypt

from .choices import DeliveryState
from .models import WebhookDelivery, WebhookSubscription
from .signing import signature

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=72)
# Longer than a run can take (RUN_SECONDS plus one request's timeouts), shorter than anyone should wait
# for a worker that was killed holding it.
LEASE = timedelta(minutes=3)
RUN_SECONDS = 50
EXCERPT = 1000
USER_AGENT = "GridGov-Webhooks/1.0"


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, 4 min … at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is the receiver's answer, not a place to send the signed body to.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict) -> tuple[int | None, str, str]:
    """POST `body`: (status code or None, the start of the answer, an error). Never raises for the
    receiver's sake."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - https (or http where allowed), checked by the services
    try:
        with _opener.open(request, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS) as response:
            return response.status, response.read(EXCERPT).decode(errors="replace"), ""
    except urllib.error.HTTPError as error:
        with error:
            excerpt = error.read(EXCERPT).decode(errors="replace")
        return error.code, excerpt, ""
    except (OSError, HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        return None, "", f"{error.__class__.__name__}: {reason}"[:500]


def unavailable(status: int | None) -> bool:
    """The receiver can take nothing now (rather than refusing this one delivery)."""
    return status is None or status in (408, 429) or status >= 500


def attempt(delivery: WebhookDelivery, secret: str, *, now=None) -> WebhookDelivery:
    """One attempt, recorded on the (locked) row: delivered on 2xx, else the next attempt after the
    backoff, or failed once GIVE_UP_AFTER has passed since the delivery was made or redelivered."""
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-GridGov-Event": delivery.event,
        "X-GridGov-Delivery": str(delivery.pk),
        "X-GridGov-Timestamp": timestamp,
        "X-GridGov-Signature": signature(secret, timestamp, body),
    }
    status, excerpt, error = post(delivery.subscription.target_url, body, headers)
    now = now or timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status
    delivery.last_response = excerpt[:EXCERPT]
    delivery.last_error = error
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.DELIVERED, now, None
    elif now - delivery.retrying_since >= GIVE_UP_AFTER:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    if status is not None and not 200 <= status < 300 and not error:
        delivery.last_error = f"HTTP {status}"
    delivery.save(
        update_fields=[
            "state",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_response",
            "last_error",
            "delivered_at",
        ]
    )
    return delivery


def _lease(subscription_id: int, now) -> bool:
    return bool(
        WebhookSubscription.objects.filter(pk=subscription_id, is_active=True, client__is_active=True)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .update(leased_until=now + LEASE)
    )


def _hold_later(delivery: WebhookDelivery) -> None:
    """The subscription's later pending deliveries wait until this one's next attempt."""
    WebhookDelivery.objects.filter(
        subscription_id=delivery.subscription_id,
        state=DeliveryState.PENDING,
        next_attempt_at__lt=delivery.next_attempt_at,
    ).filter(
        Q(occurred_at__gt=delivery.occurred_at)
        | Q(occurred_at=delivery.occurred_at, case_event_id__gt=delivery.case_event_id)
    ).update(next_attempt_at=delivery.next_attempt_at)


def deliver_subscription(*, subscription_id: int) -> tuple[int, bool]:
    """Send a subscription's due deliveries in the order of their events, for up to RUN_SECONDS.
    Returns (attempts made, whether due deliveries are left for another run). Does nothing while another
    worker holds the subscription's lease."""
    if not _lease(subscription_id, timezone.now()):
        return 0, False
    attempted, more = 0, False
    stop = time.monotonic() + RUN_SECONDS
    try:
        secret = decrypt(
            WebhookSubscription.objects.values_list("secret_encrypted", flat=True).get(pk=subscription_id)
        )
        while True:
            if time.monotonic() >= stop:
                more = True
                break
            with transaction.atomic():
                delivery = (
                    WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("subscription")
                    .filter(
                        subscription_id=subscription_id,
                        state=DeliveryState.PENDING,
                        next_attempt_at__lte=timezone.now(),
                    )
                    .order_by("occurred_at", "case_event_id")
                    .first()
                )
                if delivery is None:
                    break
                attempt(delivery, secret)
                attempted += 1
                if delivery.state == DeliveryState.PENDING and unavailable(delivery.last_status_code):
                    _hold_later(delivery)
                    break
    finally:
        WebhookSubscription.objects.filter(pk=subscription_id).update(leased_until=None)
    return attempted, more


def subscriptions_due(*, now=None) -> list[int]:
    """The active subscriptions with deliveries due and no worker on them: for the beat task."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING,
            next_attempt_at__lte=now,
            subscription__is_active=True,
            subscription__client__is_active=True,
        )
        .exclude(subscription__leased_until__gt=now)
        .values_list("subscription_id", flat=True)
        .distinct()
        .order_by("subscription_id")
    )
