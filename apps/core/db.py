"""Database helpers every domain shares."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def save_or_refuse(instance: models.Model, error: dict | str) -> None:
    """Save the row; when a unique constraint refuses it (a concurrent request took the name or code
    between the service's check and the write), answer `error` as a ValidationError, not a server error.
    The savepoint keeps the caller's transaction usable."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as integrity_error:
        raise ValidationError(error) from integrity_error
