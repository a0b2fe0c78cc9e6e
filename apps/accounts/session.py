"""The signed-in marker: tells an expired session apart from a visitor who never signed in.

Set at sign-in and removed at sign-out, it outlives the session cookie (which the browser drops when the
session expires), carries no identity, and is only read to choose the message on the login page.
"""

from django.conf import settings
from django.http import HttpResponse

SIGNED_IN_COOKIE = "gridgov_signed_in"
MARKER_AGE = 30 * 24 * 3600


def mark_signed_in(response: HttpResponse) -> None:
    response.set_cookie(
        SIGNED_IN_COOKIE,
        "1",
        max_age=MARKER_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def clear_signed_in(response: HttpResponse) -> None:
    response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
