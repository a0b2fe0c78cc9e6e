from celery import shared_task
from django.conf import settings
from django.utils import translation

from .imports import import_run


# Longer limits than the default task's: a workbook of 100,000 residents takes a minute or two.
@shared_task(acks_late=True, soft_time_limit=1500, time_limit=1800)
def run_import(job_id: int, language: str | None = None) -> str:
    """Run an import job (queued on commit by `import_start`). A job that has finished is not run again,
    so a task delivered twice writes nothing twice."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return import_run(job_id).status
