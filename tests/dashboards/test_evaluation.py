"""The monthly evaluation computed from facts made through the real services (evaluation_support.py),
against figures computed by hand."""

import pytest
from django.core.exceptions import ValidationError

from apps.dashboards.choices import Subject
from apps.dashboards.evaluation import evaluate, weights, weights_save
from tests.dashboards.evaluation_support import scenario_per_module

pytestmark = pytest.mark.django_db

scenario = scenario_per_module()


def _values(score) -> dict:
    return {line.indicator.code: line.value for line in score.lines}


def _figures(score) -> dict:
    return {line.indicator.code: (line.numerator, line.denominator) for line in score.lines}


def _ranking(scenario, area, subject):
    return evaluate(scenario.city.users["district"], area=area, subject=subject, month=scenario.month)


def test_departments_against_hand_computed_figures(scenario):
    a, b = _ranking(scenario, scenario.city.streets[0], Subject.DEPARTMENT)
    assert (a.key, a.rank, b.key, b.rank) == (scenario.department_a.pk, 1, scenario.department_b.pk, 2)
    assert _figures(a) == {
        "response_rate": (2, 3),
        "on_time_rate": (2, 3),
        "satisfaction_rate": (2, 3),
        "return_rate": (0, 3),
        "reopen_rate": (1, 3),
        "response_rating": (6, 8),
    }
    assert _values(a) == {
        "response_rate": 66.7,
        "on_time_rate": 66.7,
        "satisfaction_rate": 66.7,
        "return_rate": 100.0,
        "reopen_rate": 66.7,
        "response_rating": 75.0,
    }
    # (66.7x20 + 66.7x25 + 66.7x25 + 100x10 + 66.7x10 + 75x10) / 100
    assert a.score == 70.9
    assert a.weight_counted == 100


def test_an_indicator_without_data_is_left_out_with_its_weight(scenario):
    b = _ranking(scenario, scenario.city.streets[0], Subject.DEPARTMENT)[1]
    assert _values(b) == {
        "response_rate": 100.0,
        "on_time_rate": 100.0,
        "satisfaction_rate": 0.0,
        "return_rate": 100.0,
        "reopen_rate": 0.0,
        "response_rating": None,
    }
    # (100x20 + 100x25 + 0x25 + 100x10 + 0x10) / 90: counted as 0 it would have been 55.0.
    assert b.score == 61.1
    assert b.weight_counted == 90


def test_weights_change_the_score_and_the_ranking(scenario, superuser):
    weights_save(
        actor=superuser,
        subject=Subject.DEPARTMENT,
        values={"on_time_rate": 0, "satisfaction_rate": 0, "reopen_rate": 0, "response_rate": 100},
    )
    assert weights(Subject.DEPARTMENT)["response_rate"] == 100
    a, b = sorted(_ranking(scenario, scenario.city.streets[0], Subject.DEPARTMENT), key=lambda s: s.rank)
    # B: (100x100 + 100x10) / 110; A: (66.7x100 + 100x10 + 75x10) / 120.
    assert (a.key, a.score) == (scenario.department_b.pk, 100.0)
    assert (b.key, b.score) == (scenario.department_a.pk, 70.2)


def test_streets_against_hand_computed_figures(scenario):
    first, second = _ranking(scenario, scenario.city.district, Subject.STREET)
    assert (first.key, second.key) == (scenario.city.streets[0].pk, scenario.city.streets[1].pk)
    assert _figures(first) == {
        "on_time_rate": (3, 4),
        "satisfaction_rate": (2, 4),
        "in_grid_rate": (1, 5),
        # Limits kept: three signed and three resolved on time; none missed, as no sweep ran to mark them.
        "limits_kept": (6, 6),
        "reopen_rate": (2, 5),
        "coverage": (0, 0),
    }
    # (75x20 + 50x25 + 20x20 + 100x10 + 60x10) / 85; no visit plan, so no coverage.
    assert first.score == 55.9
    assert first.weight_counted == 85
    # Nothing happened in the second street: no score, ranked last.
    assert second.score is None
    assert set(_values(second).values()) == {None}


def test_communities_of_a_street(scenario):
    first, second = _ranking(scenario, scenario.city.streets[0], Subject.COMMUNITY)
    assert first.key == scenario.city.communities[0].pk
    assert first.score == 55.9
    assert second.score is None


def test_grid_workers(scenario):
    top, other = _ranking(scenario, scenario.city.communities[0], Subject.GRID_WORKER)
    # Worker two: visits 2 of the best 2, no problem found of the best 5, nothing resolved in the grid.
    assert (top.key, top.name) == (scenario.worker_two.pk, "李网格")
    assert _figures(top)["visits"] == (2, 2)
    assert _values(top) == {"visits": 100.0, "coverage": None, "problems_found": 0.0, "in_grid_rate": None}
    assert top.score == 60.0
    # Worker one: 1 visit of 2, 5 problems of 5, 1 of 5 resolved within the grid.
    assert other.key == scenario.worker_one.pk
    assert _values(other) == {"visits": 50.0, "coverage": None, "problems_found": 100.0, "in_grid_rate": 20.0}
    # (50x30 + 100x20 + 20x20) / 70
    assert other.score == 55.7


def test_grid_workers_of_a_district_and_of_another_community(scenario):
    district = _ranking(scenario, scenario.city.district, Subject.GRID_WORKER)
    assert {score.key for score in district} == {scenario.worker_one.pk, scenario.worker_two.pk}
    assert _ranking(scenario, scenario.city.communities[1], Subject.GRID_WORKER) == []


def test_a_level_evaluates_only_its_subjects(scenario):
    with pytest.raises(ValidationError):
        _ranking(scenario, scenario.city.communities[0], Subject.DEPARTMENT)


def test_scores_are_scoped(scenario):
    # The first street's staff see nothing of the second street: not its communities' figures, not even
    # their names.
    street_user = scenario.city.users["street"]
    ranking = evaluate(
        street_user, area=scenario.city.streets[1], subject=Subject.COMMUNITY, month=scenario.month
    )
    assert ranking == []
