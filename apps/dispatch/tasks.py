"""The deadline sweep, run by Celery beat every 30 seconds (DESIGN.md backbone decisions 5 and 9)."""

from celery import shared_task

from .deadlines import recompute_provisional, sweep


@shared_task(name="apps.dispatch.tasks.sweep_deadlines", acks_late=True, ignore_result=True)
def sweep_deadlines() -> int:
    """Fire every due warning and breach. Idempotent and safe beside another sweeper: rows are claimed
    with skip_locked and each effect is guarded by a unique constraint."""
    return sweep()


@shared_task(name="apps.dispatch.tasks.recompute_provisional_deadlines", acks_late=True, ignore_result=True)
def recompute_provisional_deadlines() -> int:
    return recompute_provisional()
