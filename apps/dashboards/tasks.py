"""Celery tasks of the dashboards (queue "rollups"): the beat schedule refreshes the rollups."""

from celery import shared_task

from .rollup import rollup_refresh


# A first fill of a year of metro figures takes longer than the default limits; each day commits on its
# own and moves the watermark, so a killed run resumes where it stopped.
@shared_task(acks_late=True, soft_time_limit=3300, time_limit=3600)
def refresh_rollups(window_days: int | None = None) -> dict:
    """Idempotent: every day computed replaces the day's rows whole."""
    state = rollup_refresh(window_days=window_days)
    return {
        "complete_through": str(state.complete_through),
        "days": state.refreshed_days,
        "seconds": state.seconds,
    }
