"""Two people registering the same working member at once: exactly one registration, a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.party.choices import RegistrationSource
from apps.party.models import MemberRegistration
from apps.party.services import registration_create
from tests.builders import build_city
from tests.party.registration_support import working_member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_member_registered_twice_at_once():
    city = build_city()
    member = working_member(city)
    barrier = threading.Barrier(2)
    outcomes: list = []

    def register(community):
        barrier.wait()
        try:
            outcomes.append(
                registration_create(
                    actor=None, member=member, community=community, source=RegistrationSource.COMMUNITY
                )
            )
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(community,)) for community in city.communities[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["MemberRegistration", "ValidationError"]
    error = next(outcome for outcome in outcomes if isinstance(outcome, ValidationError))
    assert "member" in error.message_dict
    assert MemberRegistration.objects.filter(member=member).count() == 1
    assert member.registrations.get().events.count() == 1
