"""The webhook tasks (queue "notifications"). Both are idempotent: deliveries are rows made once (a unique
constraint) and sent under a lease and a row lock, so a duplicated or lost message changes nothing."""

from celery import shared_task

from .collect import collect
from .delivery import deliver_subscription, subscriptions_due


@shared_task(name="apps.webhooks.tasks.pump", acks_late=True, ignore_result=True)
def pump() -> int:
    """Celery beat, every few seconds: collect new timeline entries into deliveries, then queue a run for
    every subscription with deliveries due (new ones, retries whose backoff has passed, and any whose
    message was lost). Returns the number of runs queued."""
    collect()
    due = subscriptions_due()
    for subscription_id in due:
        deliver.delay(subscription_id)
    return len(due)


@shared_task(name="apps.webhooks.tasks.deliver", acks_late=True, ignore_result=True)
def deliver(subscription_id: int) -> int:
    """Send one subscription's due deliveries in order; a run cut short by its time limit queues the next."""
    attempted, more = deliver_subscription(subscription_id=subscription_id)
    if more:
        deliver.delay(subscription_id)
    return attempted
