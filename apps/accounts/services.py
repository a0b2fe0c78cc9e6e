"""Writes about accounts: one function per action, keyword-only."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def api_token_issue(*, user: User) -> Token:
    """The user's API token, created on first request; the same token until it is revoked."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()
