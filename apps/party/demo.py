"""The demo's member registrations (在职党员到社区报到): working members of the demo district registered
with the demo's first community, assigned to its grids and buildings, each with a few months of service."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.core.services import demo_places

from .choices import RegistrationSource, RegistrationState
from .models import MemberRegistration, PartyMember, PartyOrganisation
from .services import member_add, registration_create, service_log

REGISTRATIONS = 8
SERVICES = [
    ("清理楼道杂物", Decimal("2.0")),
    ("陪伴独居老人", Decimal("1.5")),
    ("政策宣讲", Decimal("1.0")),
    ("交通文明劝导", Decimal("2.5")),
    ("垃圾分类指导", Decimal("1.5")),
    ("社区义诊", Decimal("3.0")),
]
EXTRA_MEMBERS = ["周建华", "吴丽萍", "郑国强", "孙晓燕", "马志远", "胡秀兰", "林海涛", "何静"]


@transaction.atomic
def demo_registrations() -> int:
    """Register working members of the demo district with its first community, once; returns the
    registrations made (0 when the community has registrations already or there is no community)."""
    places = demo_places()
    community, district = places["community"], places["district"]
    if community is None or MemberRegistration.objects.filter(community=community).exists():
        return 0
    members = list(
        PartyMember.objects.filter(district=district, is_working_member=True)
        .exclude(registrations__state=RegistrationState.ACTIVE)
        .select_related("organisation__area")
        .order_by("id")[:REGISTRATIONS]
    )
    if len(members) < REGISTRATIONS:
        organisation = PartyOrganisation.objects.filter(area=community).order_by("id").first()
        if organisation is None:
            return 0
        for name in EXTRA_MEMBERS[: REGISTRATIONS - len(members)]:
            members.append(
                member_add(
                    actor=None,
                    organisation=organisation,
                    name=name,
                    is_working_member=True,
                    workplace="区机关",
                )
            )
    placements = list(
        Area.objects.filter(
            community=community, level__in=(AreaLevel.GRID, AreaLevel.BUILDING), is_active=True
        ).order_by("level", "code")[:REGISTRATIONS]
    )
    today = timezone.localdate()
    for n, member in enumerate(members):
        # Every third member is registered from the organisation's side and waits to be assigned.
        from_organisation = n % 3 == 2
        registration = registration_create(
            actor=None,
            member=member,
            community=community,
            source=RegistrationSource.ORGANISATION if from_organisation else RegistrationSource.COMMUNITY,
            area=None if from_organisation or not placements else placements[n % len(placements)],
        )
        # The last member has not served in a while: registered, but not active.
        first_day = 100 if n == len(members) - 1 else 5
        for k in range(n % 4 + 1):
            title, hours = SERVICES[(n + k) % len(SERVICES)]
            service_log(
                actor=None,
                registration=registration,
                title=title,
                served_on=today - datetime.timedelta(days=first_day + 17 * k + n),
                hours=hours,
            )
    return len(members)
