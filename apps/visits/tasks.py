from celery import shared_task

from . import schedule


@shared_task(acks_late=True)
def refresh_schedules() -> int:
    """Recompute every household's visit schedule after the plans changed (idempotent)."""
    return schedule.refresh_all()
