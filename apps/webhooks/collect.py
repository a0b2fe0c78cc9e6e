"""The collector: reads new entries of the case timeline and makes the deliveries they call for.

The timeline is read from a watermark, by the time of each entry. An entry's time is taken when its
transaction starts working, not when it commits, so an entry can appear behind the watermark after a run
has passed it; every run therefore reads again the last WEBHOOKS_RESCAN_SECONDS before the watermark. What
it finds again is dropped by the unique (subscription, timeline entry) constraint, so re-reading is
harmless, and one row lock on the cursor keeps two collectors from working at once.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from apps.cases.models import Case, CaseEvent

from .choices import DeliveryState
from .events import CANDIDATES, chosen_event, event_types, payload, resolutions
from .models import WebhookCursor, WebhookDelivery, WebhookSubscription

CURSOR = "case-events"
PAGE = 500


def rescan_window() -> timedelta:
    return timedelta(seconds=settings.WEBHOOKS_RESCAN_SECONDS)


def collect(*, now=None) -> int:
    """Make the deliveries of the timeline entries since the watermark (less the re-scan window) for
    every active subscription that chose their event and whose client may see their case. Returns the
    number of deliveries offered (those already made before are not made again)."""
    now = now or timezone.now()
    WebhookCursor.objects.get_or_create(name=CURSOR)
    offered = 0
    with transaction.atomic():
        cursor = WebhookCursor.objects.select_for_update().get(name=CURSOR)
        subscriptions = list(
            WebhookSubscription.objects.filter(is_active=True, client__is_active=True).select_related(
                "client__user"
            )
        )
        if subscriptions:
            # Nothing before the oldest subscription was made is anyone's event.
            since = min(subscription.created_at for subscription in subscriptions)
            if cursor.scanned_until is not None:
                since = max(since, cursor.scanned_until - rescan_window())
            offered = _collect_since(since, subscriptions, now=now)
        cursor.scanned_until = max(now, cursor.scanned_until or now)
        cursor.save(update_fields=["scanned_until"])
    return offered


def _collect_since(since, subscriptions: list[WebhookSubscription], *, now) -> int:
    # New deliveries wait behind a subscription's deliveries that are backing off, so that a receiver
    # coming back gets its events in order.
    held = dict(
        WebhookDelivery.objects.filter(
            subscription__in=subscriptions, state=DeliveryState.PENDING, next_attempt_at__gt=now
        )
        .values("subscription")
        .annotate(until=Max("next_attempt_at"))
        .values_list("subscription", "until")
    )
    clients = {subscription.client_id: subscription.client for subscription in subscriptions}
    offered, after = 0, None
    while True:
        entries = CaseEvent.objects.filter(CANDIDATES, created_at__gte=since)
        if after is not None:
            entries = entries.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], id__gt=after[1]))
        page = list(
            entries.select_related("case__category", "case__area").order_by("created_at", "id")[:PAGE]
        )
        if not page:
            return offered
        case_ids = {entry.case_id for entry in page}
        # The area limit: a client hears only of cases its system account may see.
        visible = {
            client_id: set(
                Case.objects.restrict(client.user).filter(pk__in=case_ids).values_list("pk", flat=True)
            )
            for client_id, client in clients.items()
        }
        texts = resolutions(page)
        deliveries = []
        for entry in page:
            types = event_types(entry)
            for subscription in subscriptions:
                event = chosen_event(types, subscription.events)
                if (
                    event is None
                    or entry.created_at < subscription.created_at
                    or entry.case_id not in visible[subscription.client_id]
                ):
                    continue
                deliveries.append(
                    WebhookDelivery(
                        subscription=subscription,
                        case_event=entry,
                        event=event,
                        occurred_at=entry.created_at,
                        payload=payload(entry, event, resolution=texts.get(entry.pk)),
                        next_attempt_at=max(now, held.get(subscription.pk, now)),
                        retrying_since=now,
                        created_at=now,
                    )
                )
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        offered += len(deliveries)
        after = (page[-1].created_at, page[-1].pk)
        if len(page) < PAGE:
            return offered
