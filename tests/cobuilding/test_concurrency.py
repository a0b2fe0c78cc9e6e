"""Two units taking the same need at once (接单): exactly one wins, the other gets a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.cobuilding import services
from apps.cobuilding.choices import AgreementAction, NeedState
from apps.cobuilding.models import AgreementEvent, Need
from tests.builders import build_city

from .support import agree, codes, unit_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_units_take_one_need_at_once():
    city = build_city()
    community = city.communities[0]
    school, hospital = city.partner_units[0], unit_in(community)
    agreement = agree(community, school)
    agree(community, hospital)
    need = services.need_add(actor=None, agreement=agreement, title="青少年暑期托管")
    barrier = threading.Barrier(2)
    outcomes: list = []

    def take(unit):
        barrier.wait()
        try:
            outcomes.append(services.need_take(actor=city.users["community"], need=need, partner_unit=unit))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(unit,)) for unit in (school, hospital)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [outcome for outcome in outcomes if isinstance(outcome, Need)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert codes(losers[0]) == {"need": ["not_open"]}
    need.refresh_from_db()
    assert need.state == NeedState.TAKEN
    assert need.taken_by_id == winners[0].taken_by_id
    assert AgreementEvent.objects.filter(action=AgreementAction.NEED_TAKEN).count() == 1
