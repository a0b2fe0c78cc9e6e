from celery import shared_task


@shared_task(name="core.ping")
def ping(token: str) -> str:
    """Round trip through the broker and a worker; `manage.py worker_ping` and the tests use it."""
    return f"pong:{token}"
