"""Two people acting on one project at once: exactly one wins, the other gets a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.projects import services
from apps.projects.choices import EvaluationBy, ProjectAction, ProjectState
from apps.projects.models import Milestone, Project, ProjectEvaluation
from tests.builders import build_city

from .conftest import make_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*actions) -> list:
    barrier = threading.Barrier(len(actions))
    outcomes: list = []

    def run(action):
        barrier.wait()
        try:
            outcomes.append(action())
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _names(outcomes) -> list[str]:
    return sorted(type(outcome).__name__ for outcome in outcomes)


@pytest.fixture
def completed():
    city = build_city()
    project = make_project(city)
    services.project_complete(actor=None, project=project, summary="完成")
    return city, project


def test_the_same_milestone_completed_twice_at_once():
    city = build_city()
    project = make_project(city)
    milestone = services.milestone_add(actor=None, project=project, title="一", due_on=project.deadline)
    outcomes = _race(
        lambda: services.milestone_complete(actor=city.users["community"], milestone=milestone),
        lambda: services.milestone_complete(actor=city.users["party"], milestone=milestone),
    )
    assert _names(outcomes) == ["Milestone", "ValidationError"]
    assert project.events.filter(action=ProjectAction.MILESTONE_COMPLETE).count() == 1
    assert Milestone.objects.get().done_at is not None


def test_the_same_evaluation_recorded_twice_at_once(completed):
    _city, project = completed

    def evaluate(score):
        return lambda: services.project_evaluate(
            actor=None, project=project, by=EvaluationBy.RESIDENTS, score=score, participants=10
        )

    assert _names(_race(evaluate(90), evaluate(50))) == ["ProjectEvaluation", "ValidationError"]
    assert ProjectEvaluation.objects.count() == 1


def test_both_evaluations_at_once_make_the_project_evaluated_once(completed):
    _city, project = completed
    outcomes = _race(
        lambda: services.project_evaluate(
            actor=None, project=project, by=EvaluationBy.RESIDENTS, score=90, participants=10
        ),
        lambda: services.project_evaluate(
            actor=None, project=project, by=EvaluationBy.ORGANISATION, score=80
        ),
    )
    assert _names(outcomes) == ["ProjectEvaluation", "ProjectEvaluation"]
    assert Project.objects.get().state == ProjectState.EVALUATED
    assert project.events.filter(to_state=ProjectState.EVALUATED).count() == 1


def test_completing_and_cancelling_at_once():
    city = build_city()
    project = make_project(city)
    outcomes = _race(
        lambda: services.project_complete(actor=None, project=project, summary="完成"),
        lambda: services.project_cancel(actor=None, project=project, reason="取消"),
    )
    assert _names(outcomes) == ["Project", "ValidationError"]
    assert project.events.exclude(action=ProjectAction.CREATE).count() == 1
