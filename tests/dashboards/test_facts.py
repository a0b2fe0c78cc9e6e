"""What each timeline entry counts for (apps.dashboards.facts): the one mapping, action by action."""

import pytest

from apps.cases.choices import CaseAction as A
from apps.cases.choices import CaseStatus as S
from apps.dashboards.facts import COUNTED_ACTIONS, case_measures, department_measures


@pytest.mark.parametrize(
    ("action", "column"),
    [
        (A.REPORT, "created"),
        (A.ACCEPT, "accepted"),
        (A.CLOSE, "closed"),
        (A.REOPEN, "reopened"),
        (A.OVERDUE, "overdue"),
        (A.ESCALATE, "escalated"),
        (A.RETURN, "returned"),
    ],
)
def test_one_entry_one_case_figure(action, column):
    assert case_measures(action, "", "", {}) == [(column, 1)]


def test_a_dispatch_counts_its_orders():
    assert case_measures(A.DISPATCH, S.ACCEPTED, S.DISPATCHED, {"departments": [4]}) == [
        ("orders_received", 1)
    ]
    assert department_measures(A.DISPATCH, {"departments": [4]}, None) == [(4, "orders_received", 1)]


@pytest.mark.parametrize("kind", ["emergency", "joint", "quick"])
def test_a_whistle_counts_its_kind_and_an_order_per_department(kind):
    data = {"kind": kind, "level": 3, "departments": [4, 5], "lead": 4}
    assert case_measures(A.WHISTLE, S.ACCEPTED, S.DISPATCHED, data) == [
        ("orders_received", 2),
        (f"whistled_{kind}", 1),
    ]
    assert department_measures(A.WHISTLE, data, None) == [
        (4, "orders_received", 1),
        (5, "orders_received", 1),
    ]


@pytest.mark.parametrize("action", [A.SIGN, A.CHECK_IN])
def test_signing_for_on_time_and_late(action):
    on_time = {"order": 1, "department": 4, "minutes_over": 0}
    late = {**on_time, "minutes_over": 25}
    assert case_measures(action, S.DISPATCHED, S.DISPATCHED, on_time) == [
        ("checked_in", 1),
        ("checked_in_on_time", 1),
    ]
    assert case_measures(action, S.DISPATCHED, S.DISPATCHED, late) == [("checked_in", 1)]
    assert department_measures(action, on_time, None) == [
        (4, "checked_in", 1),
        (4, "minutes_over", 0),
        (4, "checked_in_on_time", 1),
    ]
    assert department_measures(action, late, None) == [(4, "checked_in", 1), (4, "minutes_over", 25)]


def test_a_department_resolving_while_another_still_works():
    data = {"order": 1, "department": 4, "minutes_over": 0}
    assert case_measures(A.RESOLVE, S.DISPATCHED, S.DISPATCHED, data) == [
        ("orders_resolved", 1),
        ("orders_resolved_on_time", 1),
    ]


def test_the_last_department_resolving_late_resolves_the_case():
    data = {"order": 1, "department": 4, "minutes_over": 90}
    assert case_measures(A.RESOLVE, S.DISPATCHED, S.RESOLVED, data) == [
        ("orders_resolved", 1),
        ("resolved", 1),
    ]
    assert department_measures(A.RESOLVE, data, None) == [(4, "orders_resolved", 1), (4, "minutes_over", 90)]


def test_the_grid_resolving_counts_within_the_grid_and_for_no_department():
    assert case_measures(A.RESOLVE, S.HANDLING, S.RESOLVED, {}) == [("resolved", 1), ("resolved_in_grid", 1)]
    assert department_measures(A.RESOLVE, {}, 7) == []


@pytest.mark.parametrize(
    ("action", "column"), [(A.OVERDUE, "overdue"), (A.ESCALATE, "escalated"), (A.RETURN, "returned")]
)
def test_missed_escalated_and_returned_count_for_the_department(action, column):
    assert department_measures(action, {"order": 1, "department": 4}, 9) == [(4, column, 1)]


def test_a_response_rating_counts_its_points():
    assert department_measures(A.RATE_RESPONSE, {"order": 1, "department": 4, "rating": 3}, None) == [
        (4, "response_rated", 1),
        (4, "response_points", 3),
    ]
    assert case_measures(A.RATE_RESPONSE, S.CLOSED, S.CLOSED, {"rating": 3}) == []


@pytest.mark.parametrize(
    ("rating", "column"),
    [
        ("satisfied", "rated_satisfied"),
        ("basically_satisfied", "rated_basically_satisfied"),
        ("dissatisfied", "rated_dissatisfied"),
    ],
)
def test_a_verdict_counts_for_the_case_and_the_departments_that_handled_it(rating, column):
    data = {"rating": rating, "handlers": {"departments": [4, 5], "grid": None}}
    assert case_measures(A.RATE, S.CLOSED, S.CLOSED, data) == [(column, 1)]
    assert department_measures(A.RATE, data, 4) == [(4, column, 1), (5, column, 1)]


def test_a_verdict_on_the_grid_counts_for_no_department():
    data = {"rating": "satisfied", "handlers": {"departments": [], "grid": 12}}
    assert department_measures(A.RATE, data, 4) == []


def test_a_verdict_written_before_the_handlers_were_recorded_counts_for_the_lead_department():
    assert department_measures(A.RATE, {"rating": "satisfied"}, 4) == [(4, "rated_satisfied", 1)]
    assert department_measures(A.RATE, {"rating": "satisfied"}, None) == []


def test_a_reopen_counts_against_the_departments_judged():
    data = {"against": {"departments": [4, 5], "grid": None}}
    assert department_measures(A.REOPEN, data, 4) == [(4, "reopened", 1), (5, "reopened", 1)]
    assert department_measures(A.REOPEN, {"against": {"departments": [], "grid": 3}}, 4) == []


@pytest.mark.parametrize(
    "action",
    [
        A.REJECT,
        A.HANDLE_IN_GRID,
        A.VERIFY,
        A.SEND_BACK,
        A.EXTENSION_REQUEST,
        A.EXTENSION_DECISION,
        A.SUSPEND,
        A.RESUME,
        A.MERGE,
        A.LEADER_CLAIM,
        A.WARNING,
        A.SUPERVISE,
        A.ATTACH,
    ],
)
def test_the_other_entries_count_for_nothing(action):
    data = {"order": 1, "department": 4, "minutes_over": 5, "rating": 3}
    assert action not in COUNTED_ACTIONS
    assert case_measures(action, S.DISPATCHED, S.DISPATCHED, data) == []
    assert department_measures(action, data, 4) == []


def test_every_counted_action_counts_for_something():
    samples = {
        A.DISPATCH: {"departments": [4]},
        A.WHISTLE: {"kind": "quick", "departments": [4]},
        A.RESOLVE: {"order": 1, "department": 4},
        A.RATE: {"rating": "satisfied"},
        A.RATE_RESPONSE: {"department": 4, "rating": 2},
    }
    for action in COUNTED_ACTIONS:
        data = samples.get(action, {"department": 4})
        counted = case_measures(action, S.DISPATCHED, S.RESOLVED, data) or department_measures(
            action, data, 4
        )
        assert counted, action


@pytest.mark.parametrize("action", [A.SIGN, A.CHECK_IN])
def test_past_the_due_time_is_late_even_with_no_working_minute_over(action):
    # Signed for at 19:00 on a working-time limit that ran out at 17:30: no working minute over, but late.
    after_hours = {"order": 1, "department": 4, "minutes_over": 0, "late": True}
    assert case_measures(action, "", "", after_hours) == [("checked_in", 1)]
    assert (4, "checked_in_on_time", 1) not in department_measures(action, after_hours, None)
    in_time = {**after_hours, "late": False}
    assert ("checked_in_on_time", 1) in case_measures(action, "", "", in_time)
