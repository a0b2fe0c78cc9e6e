"""Webhook subscriptions and redelivery: made by a client through the API (for itself) or by a system
administrator in the admin (for any client)."""

import ipaddress
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.crypto import encrypt

from .choices import DeliveryState, WebhookEvent
from .models import WebhookDelivery, WebhookSubscription
from .signing import secret_generate


def _require_manager(actor, client) -> None:
    """The system (None), a system administrator, or the client itself (its system account)."""
    if actor is None or actor.is_superuser or actor.pk == client.user_id:
        return
    raise ValidationError(_("You may not manage the webhooks of this client."))


def _local_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def _checked_url(url: str) -> str:
    url = url.strip()
    allow_http = settings.WEBHOOKS_ALLOW_HTTP
    try:
        URLValidator(schemes=["https", "http"] if allow_http else ["https"])(url)
    except ValidationError:
        message = _("Enter an http:// or https:// URL.") if allow_http else _("Enter an https:// URL.")
        raise ValidationError({"target_url": message}) from None
    # Deliveries must not be turned at GridGov's own network (unless a test or a development set-up
    # allows it, together with plain http).
    if not allow_http and _local_host(urlsplit(url).hostname or ""):
        raise ValidationError({"target_url": _("Deliveries are not sent to local or private addresses.")})
    if len(url) > WebhookSubscription._meta.get_field("target_url").max_length:
        raise ValidationError({"target_url": _("This URL is too long.")})
    return url


def _checked_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = [str(event) for event in events if event not in WebhookEvent.values]
    if unknown:
        raise ValidationError({"events": _("Unknown event: %(events)s.") % {"events": ", ".join(unknown)}})
    return [event for event in WebhookEvent.values if event in events]


@transaction.atomic
def subscription_create(
    *, actor, client, target_url: str, events: list[str], description: str = ""
) -> tuple[WebhookSubscription, str]:
    """A subscription and its signing secret, which the caller shows once: it is stored encrypted."""
    _require_manager(actor, client)
    errors = {}
    for check, value in ((_checked_url, target_url), (_checked_events, events)):
        try:
            check(value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not client.is_active:
        errors.setdefault("client", []).append(_("This client is deactivated."))
    if errors:
        raise ValidationError(errors)
    secret = secret_generate()
    subscription = WebhookSubscription.objects.create(
        client=client,
        target_url=_checked_url(target_url),
        events=_checked_events(events),
        description=description.strip()[:200],
        secret_encrypted=encrypt(secret),
        created_by=actor,
    )
    return subscription, secret


@transaction.atomic
def subscription_update(
    *,
    actor,
    subscription: WebhookSubscription,
    target_url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookSubscription:
    """Change what is given; a deactivated subscription keeps its pending deliveries and sends them when
    it is active again (within the 72 hours of retries)."""
    _require_manager(actor, subscription.client)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    errors = {}
    if target_url is not None:
        try:
            subscription.target_url = _checked_url(target_url)
        except ValidationError as error:
            errors.update(error.message_dict)
    if events is not None:
        try:
            subscription.events = _checked_events(events)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if description is not None:
        subscription.description = description.strip()[:200]
    if is_active is not None:
        subscription.is_active = is_active
    subscription.save(update_fields=["target_url", "events", "description", "is_active", "updated_at"])
    return subscription


def _nudge(subscription_id: int) -> None:
    from .tasks import deliver  # noqa: PLC0415 - the tasks module imports the delivery code

    deliver.delay(subscription_id)


@transaction.atomic
def delivery_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, whatever its state (delivered, failed or waiting for its next try),
    with a fresh 72 hours of retries. The payload and the delivery id stay the same."""
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("subscription__client")
        .get(pk=delivery.pk)
    )
    subscription = delivery.subscription
    _require_manager(actor, subscription.client)
    if not (subscription.is_active and subscription.client.is_active):
        raise ValidationError(_("This subscription is inactive: activate it before redelivering."))
    now = timezone.now()
    delivery.state, delivery.attempts = DeliveryState.PENDING, 0
    delivery.next_attempt_at, delivery.retrying_since = now, now
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "retrying_since"])
    # Robust: the row is committed whatever the broker does, and the beat task finds it due.
    transaction.on_commit(partial(_nudge, subscription.pk), robust=True)
    return delivery
