"""The demo cases: a replay of three weeks of work through the real services fills every inbox."""

from collections import Counter

import pytest

from apps.accounts.models import User
from apps.cases.models import Case, CaseEvent, RoutingRule
from apps.cases.selectors import case_inbox_counts
from apps.core.demo_cases import demo_cases_seed
from apps.core.services import demo_seed
from apps.dispatch.models import DeadlineEffect, DispatchOrder, Whistle

pytestmark = pytest.mark.django_db


def test_the_replay_fills_every_state_and_keeps_each_timeline_whole():
    demo_seed()
    assert demo_cases_seed(count=150, seed=3) == 150
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert {"reported", "accepted", "handling", "dispatched", "closed", "rejected"} <= set(statuses)
    assert RoutingRule.objects.exists()
    assert Whistle.objects.exists()
    assert DispatchOrder.objects.exists()
    assert DeadlineEffect.objects.filter(kind="breach").exists()
    for case in Case.objects.all():
        moves = [
            event for event in CaseEvent.objects.filter(case=case) if event.to_status != event.from_status
        ]
        assert moves[-1].to_status == case.status, case.serial
    street = case_inbox_counts(User.objects.get(username="street"))
    assert street["to_accept"]
    assert street["waiting"]
    assert street["overdue"]
    # Seeding again writes nothing.
    assert demo_cases_seed(count=150, seed=3) == 0
