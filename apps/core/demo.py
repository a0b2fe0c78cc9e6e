"""The demo data that `make run` loads: who can sign in, with which password.

Later capabilities grow this (areas, roles, cases …). `demo_seed` in apps.core.services creates what is
missing and never changes what exists, so running it again keeps every change made through the interface.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "gridgov-demo"  # noqa: S105 - the published password of the demo logins


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    description: str
    is_superuser: bool = False


DEMO_LOGINS = [
    DemoLogin("admin", "陈志远", _("system administrator"), is_superuser=True),
    DemoLogin("street", "王晓明", _("street staff")),
]
