from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.core.demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo data. Creates what is missing and leaves existing rows as they are."

    @transaction.atomic
    def handle(self, *args, **options):
        existing = set(
            User.objects.filter(username__in=[d.username for d in DEMO_LOGINS]).values_list(
                "username", flat=True
            )
        )
        created = 0
        for login in DEMO_LOGINS:
            if login.username in existing:
                continue
            user_create(
                username=login.username,
                password=DEMO_PASSWORD,
                full_name=login.full_name,
                is_superuser=login.is_superuser,
            )
            created += 1
        self.stdout.write(f"Demo data: {created} users created, {len(existing)} already present.")
