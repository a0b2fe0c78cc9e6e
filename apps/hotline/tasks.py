"""The hotline's task (queue "default"): map the received work orders. Queued by the first delivery of a
burst (services.map_soon) and by Celery beat as a sweep; idempotent, since orders are claimed under row
locks and only received ones are mapped."""

from celery import shared_task

from . import services


@shared_task(name="apps.hotline.tasks.map_received", acks_late=True, ignore_result=True)
def map_received() -> int:
    """Map every received order; returns how many were mapped."""
    services.map_flag_clear()
    return services.orders_map()
