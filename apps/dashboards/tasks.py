"""Celery tasks of the dashboards (queue "rollups"): the beat schedule refreshes the rollups."""

from celery import shared_task

from .rollup import count_stock, rollup_refresh


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


# Counted every minute; a count that overruns the minute gives way to the next one.
@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def count_case_stock() -> dict:
    """Idempotent: the stock is counted whole and only the areas whose count moved are written."""
    result = count_stock()
    return {"areas": result.areas, "written": result.written, "seconds": result.seconds}
