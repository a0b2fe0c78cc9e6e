"""Creates create once: no data is written twice (DESIGN.md).

Each create carries a one-time key: a blank create form a new one in a hidden field (`SubmitOnceForm`), an
API create the `Idempotency-Key` header its caller chose. The key is spent in the same transaction as what
it creates, under a unique (user, key) constraint (`SpentKey`): the same request sent again, by a double
click, a browser resending on a slow network or a system retrying after a timeout, also while the first is
still being written (it waits on the index), creates nothing and gets the first one's outcome. A request
that was refused spends nothing, so the corrected one can be sent again.

- `submit_once` for the pages: a repeated form is led to what the first one made.
- `answered_once` for the API: a repeated call gets the first call's answer again, with the header
  `Idempotent-Replayed: true`; a key sent to another endpoint is refused (422).

Cases and visits keep their key in their own rows (their `idempotency_key`, also matched by external
reference); this is the mechanism of every other create.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from apps.cases.states import ConflictError

from .api.idempotency import IDEMPOTENCY_HEADER, REPLAYED_HEADER
from .forms import add_service_errors
from .models import SpentKey

Made = TypeVar("Made")

KEY_LENGTH = SpentKey._meta.get_field("key").max_length
URL_LENGTH = SpentKey._meta.get_field("url").max_length
# How long a spent key is remembered: far longer than any resend, short enough to keep the table small.
REMEMBERED = timedelta(days=1)
ALREADY = _("This form had been sent already: nothing was created a second time.")


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _("This Idempotency-Key was used for another request: send a new key.")


# Inputs left out of a request's fingerprint: the CSRF token (masked anew on every page), the keys, and
# passwords (nothing derived from one is kept outside the password hash).
UNASKED = {"csrfmiddlewaretoken", "submission_key", "idempotency_key", "password"}
# The headers of a first answer that a repeated call gets again (DRF's creates set Location).
KEPT_HEADERS = ("Location",)


def _plain(value):
    if isinstance(value, File):
        return {"file": value.name, "size": value.size}
    if isinstance(value, MultiValueDict):
        return {
            name: [_plain(item) for item in items] for name, items in value.lists() if name not in UNASKED
        }
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items() if name not in UNASKED}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def fingerprint(*parts) -> str:
    """What a request asks for (its input, files by name and size), so that a key sent again with other
    input is told apart from a resend."""
    text = json.dumps([_plain(part) for part in parts], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _spend(user, key: str, url: str, asked: str) -> tuple[SpentKey | None, SpentKey | None]:
    """(the key, now spent by this request, None), or (None, the first request's) when it was spent
    before. Called inside the transaction of what the request creates."""
    try:
        with transaction.atomic():
            spent = SpentKey.objects.create(user=user, key=key, url=url, fingerprint=asked)
    except IntegrityError:
        # Sent before. The first one has committed: a concurrent first holds the unique index until it
        # does (and a first that failed spent nothing), and this new statement sees what has committed
        # (READ COMMITTED, PostgreSQL's level and Django's).
        first = SpentKey.objects.filter(user=user, key=key).first()
        if first is None:  # forgotten in between (older than a day)
            raise ConflictError(_("This request is being handled already: try again in a moment.")) from None
        return None, first
    expired = timezone.now() - REMEMBERED
    # After the commit, so that one user's creates at once do not queue behind each other's cleanup.
    transaction.on_commit(lambda: SpentKey.objects.filter(user=user, created_at__lt=expired).delete())
    return spent, None


def submit_once(
    request: HttpRequest,
    form,
    create: Callable[[dict], Made],
    *,
    to: str | Callable[[Made], str],
    success: str | Callable[[Made], str],
) -> HttpResponseRedirect | None:
    """Create with `create(form.cleaned_data)` and redirect to `to` (a URL, or one made from what was
    created) with the `success` message; the same form sent again with the same input is redirected where
    the first one went, creating nothing. (The same key with other input is a form brought back, say by the
    browser's Back button, and filled in anew: it creates, once.) None when the service refused (its
    ValidationError is shown on the form): the page then renders the form again."""
    key = (getattr(form, "submission_key", "") or "")[:KEY_LENGTH]
    try:
        with transaction.atomic():
            spent = None
            if key:
                asked = fingerprint(form.data, form.files)
                spent, first = _spend(request.user, key, "", asked)
                if first is not None and first.fingerprint != asked:
                    # Brought back and filled in anew: guarded in turn, by the key and this input.
                    spent, first = _spend(request.user, f"{key[: KEY_LENGTH - 17]}:{asked[:16]}", "", asked)
                if first is not None:
                    messages.info(request, ALREADY)
                    return HttpResponseRedirect(first.url)
            made = create(form.cleaned_data)
            url = to(made) if callable(to) else to
            if spent is not None:
                spent.url = url
                spent.save(update_fields=["url"])
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success(made) if callable(success) else success)
    return HttpResponseRedirect(url)


def answered_once(method):
    """An API create that answers once per Idempotency-Key: the first call's answer (a 2xx) is kept with
    the key, and the same key from the same user, on the same path with the same input, gets it again
    instead of creating; the same key with another path or input is refused (422). An error answer spends
    nothing. Without the header the call is not guarded. The schema documents the header and the 422 on
    every operation so decorated (apps.core.api.schema)."""

    @functools.wraps(method)
    def once(view, request, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key:
            return method(view, request, *args, **kwargs)
        if len(key) > KEY_LENGTH:
            raise serializers.ValidationError(
                {"idempotency_key": [_("An idempotency key is at most 64 characters long.")]}
            )
        path = request.path[:URL_LENGTH]
        asked = fingerprint(request.method, request.data)
        with transaction.atomic():
            spent, first = _spend(request.user, key, path, asked)
            if first is not None:
                if first.status is None or (first.url, first.fingerprint) != (path, asked):
                    raise KeyReused()
                return Response(
                    first.answer, first.status, headers={**first.headers, REPLAYED_HEADER: "true"}
                )
            response = method(view, request, *args, **kwargs)
            if not status.is_success(response.status_code):
                transaction.set_rollback(True)
                return response
            spent.status, spent.answer = response.status_code, response.data
            spent.headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            spent.save(update_fields=["status", "answer", "headers"])
        return response

    once.answers_once = True
    return once
