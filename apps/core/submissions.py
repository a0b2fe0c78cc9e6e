"""Create forms create once: no data is written twice (DESIGN.md).

A blank create form carries a new one-time key in a hidden field (`SubmitOnceForm`). `submit_once` spends
the key in the same transaction as what the form creates, under a unique constraint: the same form sent
again, by a double click or a browser resending on a slow network, also while the first is still being
written, creates nothing and is led to what the first one made. A submission the service refuses spends
nothing, so the corrected form can be sent again. Cases and visits take the same kind of key in their own
rows (idempotency_key), which their API shares; this is the mechanism of every other create form.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import add_service_errors
from .models import FormSubmission

Made = TypeVar("Made")

KEY_LENGTH = FormSubmission._meta.get_field("key").max_length
# How long a spent key is remembered: far longer than any resend, short enough to keep the table small.
REMEMBERED = timedelta(days=1)
ALREADY = _("This form had been sent already: nothing was created a second time.")


def submit_once(
    request: HttpRequest,
    form,
    create: Callable[[dict], Made],
    *,
    to: str | Callable[[Made], str],
    success: str | Callable[[Made], str],
) -> HttpResponseRedirect | None:
    """Create with `create(form.cleaned_data)` unless this form's key is spent, and redirect to `to` (a
    URL, or one made from what was created) with the `success` message; a repeated form is redirected
    where the first one went. None when the service refused (its ValidationError is shown on the form):
    the page then renders the form again."""
    key = (getattr(form, "submission_key", "") or "")[:KEY_LENGTH]
    user = request.user
    try:
        with transaction.atomic():
            if key:
                try:
                    with transaction.atomic():
                        spent = FormSubmission.objects.create(user=user, key=key)
                except IntegrityError:
                    # Sent before: the first one has committed (a concurrent first waits on the unique
                    # index until it does, and a first that failed spent nothing).
                    first = FormSubmission.objects.get(user=user, key=key)
                    messages.info(request, ALREADY)
                    return HttpResponseRedirect(first.url)
            made = create(form.cleaned_data)
            url = to(made) if callable(to) else to
            if key:
                spent.url = url
                spent.save(update_fields=["url"])
                FormSubmission.objects.filter(user=user, created_at__lt=timezone.now() - REMEMBERED).delete()
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success(made) if callable(success) else success)
    return HttpResponseRedirect(url)
