"""Writes that belong to no single domain: loading the demo."""

from dataclasses import dataclass

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.core.demo import DEMO_LOGINS, DEMO_PASSWORD


@dataclass(frozen=True)
class SeedResult:
    created: int
    present: int


@transaction.atomic
def demo_seed() -> SeedResult:
    """Create the demo rows that are missing; rows that exist keep every change made to them."""
    present = set(
        User.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).values_list(
            "username", flat=True
        )
    )
    missing = [login for login in DEMO_LOGINS if login.username not in present]
    for login in missing:
        user_create(
            username=login.username,
            password=DEMO_PASSWORD,
            full_name=login.full_name,
            is_superuser=login.is_superuser,
        )
    return SeedResult(created=len(missing), present=len(present))
