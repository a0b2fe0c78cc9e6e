"""Celery tasks of the dashboards (queue "rollups"): the beat schedule refreshes the rollups."""

from celery import shared_task

from .rollup import rollup_refresh


@shared_task(acks_late=True)
def refresh_rollups(window_days: int | None = None) -> dict:
    """Idempotent: every day computed replaces the day's rows whole."""
    state = rollup_refresh(window_days=window_days)
    return {
        "complete_through": str(state.complete_through),
        "days": state.refreshed_days,
        "seconds": state.seconds,
    }
