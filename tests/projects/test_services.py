"""Project actions through the services: the four fixes, milestones, completion, the two evaluations,
every bad input refused with nothing changed, and the overdue reminders."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.notifications.models import Notification
from apps.notifications.reminders import SOURCES, sweep_source
from apps.projects import services
from apps.projects.choices import EvaluationBy, Grade, ProjectAction, ProjectKind, ProjectState
from apps.projects.demo import demo_projects
from apps.projects.models import Milestone, Project, ProjectEvaluation, ProjectEvent
from apps.projects.reminders import MILESTONES, PROJECTS
from tests.builders import build_city

from .conftest import make_project

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Project.objects.count(),
        Milestone.objects.count(),
        ProjectEvaluation.objects.count(),
        ProjectEvent.objects.count(),
        list(Project.objects.order_by("pk").values_list("state", "title", "deadline", "remind_at")),
        list(Milestone.objects.order_by("pk").values_list("done_at", "remind_at")),
    )


def refused(action, *fields) -> ValidationError:
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        action()
    assert snapshot() == before
    if fields:
        assert set(fields) <= set(raised.value.message_dict), raised.value.message_dict
    return raised.value


def add(project, title="方案公示", days=5, actor=None):
    return services.milestone_add(
        actor=actor,
        project=project,
        title=title,
        due_on=project.deadline - datetime.timedelta(days=days),
    )


def finish(project, actor=None):
    for milestone in project.milestones.filter(done_at__isnull=True):
        services.milestone_complete(actor=actor, milestone=milestone)
    return services.project_complete(actor=actor, project=project, summary="按期完成")


# Creation: the four fixes


def test_a_project_is_created_with_its_four_fixes(city, project):
    assert project.state == ProjectState.UNDERWAY
    assert project.community_id == city.communities[0].pk
    assert project.street_id == city.streets[0].pk
    assert project.created_by == city.users["community"]
    assert project.remind_at == services.overdue_from(project.deadline)
    assert list(project.events.values_list("action", "to_state")) == [
        (ProjectAction.CREATE, ProjectState.UNDERWAY)
    ]


def test_the_reminder_falls_at_the_start_of_the_day_after_in_shanghai():
    moment = services.overdue_from(datetime.date(2026, 3, 1))
    assert moment.isoformat() == "2026-03-02T00:00:00+08:00"


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"owner": None}, "owner"),
        ({"deadline": None}, "deadline"),
        ({"content": "  "}, "content"),
        ({"measures": ""}, "measures"),
        ({"title": ""}, "title"),
    ],
)
def test_a_project_without_one_of_its_fixes_is_refused(city, missing, field):
    data = {
        "actor": city.users["community"],
        "area": city.communities[0],
        "kind": ProjectKind.PRACTICAL,
        "title": "社区食堂",
        "content": "开设社区食堂",
        "owner": city.users["community"],
        "deadline": timezone.localdate() + datetime.timedelta(days=30),
        "measures": "引入餐饮企业",
        **missing,
    }
    error = refused(lambda: services.project_create(**data), field)
    assert list(error.message_dict) == [field]


def test_a_project_without_owner_nor_deadline_names_both(city):
    refused(
        lambda: services.project_create(
            actor=city.users["community"],
            area=city.communities[0],
            kind=ProjectKind.PRACTICAL,
            title="社区食堂",
            content="开设社区食堂",
            owner=None,
            deadline=None,
            measures="引入餐饮企业",
        ),
        "owner",
        "deadline",
    )


def test_a_deadline_in_the_past_is_refused(city):
    refused(lambda: make_project(city, days=-1), "deadline")


def test_the_owner_must_hold_a_role_in_the_area_or_above(city):
    # The grid worker holds a role for a grid of the first community, not for the community itself.
    refused(lambda: make_project(city, owner=city.users["gridworker"]), "owner")
    # A role of the street above serves; so does one of the grid for a project of that grid.
    assert make_project(city, owner=city.users["street"]).owner == city.users["street"]
    assert make_project(city, area=city.grids[0], owner=city.users["gridworker"]).grid_id == city.grids[0].pk


def test_the_owner_must_be_active(city):
    owner = city.users["street"]
    owner.is_active = False
    owner.save()
    refused(lambda: make_project(city, owner=owner), "owner")


def test_a_project_belongs_to_a_street_community_or_grid(city):
    refused(lambda: make_project(city, area=city.buildings[0]), "area")
    refused(lambda: make_project(city, area=city.district, owner=city.users["district"]), "area")


def test_only_the_staff_of_the_area_create_projects(city):
    # The community worker of the first community, in the second; the grid worker holds only cogov.view.
    refused(lambda: make_project(city, area=city.communities[1], actor=city.users["community"]))
    refused(lambda: make_project(city, area=city.grids[0], actor=city.users["gridworker"]))
    assert make_project(
        city, area=city.communities[1], owner=city.users["street"], actor=city.users["street"]
    )


def test_the_organisation_must_be_bound_near_the_project(city):
    far = next(o for o in city.organisations if o.name == "第2街道1社区党委")
    refused(lambda: make_project(city, organisation=far), "organisation")
    near = next(o for o in city.organisations if o.name == "第1街道1社区党委")
    above = next(o for o in city.organisations if o.name == "第1街道党工委")
    below = next(o for o in city.organisations if o.name == "第1街道1社区1网格党支部")
    for organisation in (near, above, below):
        assert make_project(city, organisation=organisation).organisation == organisation


def test_a_negative_budget_is_refused(city):
    refused(lambda: make_project(city, budget=Decimal("-1")), "budget")


# Update


def test_an_underway_project_is_updated_with_the_fields_recorded(city, project, today):
    services.project_update(
        actor=city.users["community"],
        project=project,
        deadline=today + datetime.timedelta(days=60),
        title="新名",
    )
    project.refresh_from_db()
    assert project.title == "新名"
    assert project.remind_at == services.overdue_from(today + datetime.timedelta(days=60))
    event = project.events.get(action=ProjectAction.UPDATE)
    assert sorted(event.data["fields"]) == ["deadline", "title"]


def test_updates_are_refused_when_bad_or_not_underway(city, project, today):
    actor = city.users["community"]
    add(project, days=1)
    refused(lambda: services.project_update(actor=actor, project=project, owner=None), "owner")
    refused(lambda: services.project_update(actor=actor, project=project, deadline=None), "deadline")
    refused(
        lambda: services.project_update(
            actor=actor, project=project, deadline=today - datetime.timedelta(days=1)
        ),
        "deadline",
    )
    # Before a milestone's due date.
    refused(
        lambda: services.project_update(actor=actor, project=project, deadline=today),
        "deadline",
    )
    refused(lambda: services.project_update(actor=city.users["gridworker"], project=project, title="x"))
    services.project_cancel(actor=actor, project=project, reason="资金未落实")
    refused(lambda: services.project_update(actor=actor, project=project, title="x"), "state")


# Milestones


def test_milestones_are_added_no_later_than_the_deadline(city, project):
    milestone = add(project)
    assert milestone.remind_at == services.overdue_from(milestone.due_on)
    assert milestone.community_id == project.community_id
    refused(
        lambda: services.milestone_add(
            actor=None, project=project, title="晚了", due_on=project.deadline + datetime.timedelta(days=1)
        ),
        "due_on",
    )
    refused(
        lambda: services.milestone_add(actor=None, project=project, title="", due_on=None), "title", "due_on"
    )
    refused(
        lambda: services.milestone_add(
            actor=city.users["gridworker"], project=project, title="x", due_on=project.deadline
        )
    )


def test_the_owner_completes_a_milestone_of_their_own_project(city):
    project = make_project(city, area=city.grids[0], owner=city.users["gridworker"])
    milestone = add(project)
    refused(lambda: services.milestone_complete(actor=city.users["gridhead"], milestone=milestone))
    done = services.milestone_complete(actor=city.users["gridworker"], milestone=milestone, note="已完成")
    assert done.done_at is not None
    assert done.done_by == city.users["gridworker"]
    assert done.remind_at is None
    refused(
        lambda: services.milestone_complete(actor=city.users["gridworker"], milestone=milestone), "milestone"
    )


# Completion and cancelling


def test_a_project_with_open_milestones_is_not_completed(city, project):
    add(project, "方案公示")
    add(project, "施工完成", days=1)
    error = refused(
        lambda: services.project_complete(actor=city.users["community"], project=project, summary="完成"),
        "milestones",
    )
    assert "方案公示" in error.message_dict["milestones"][0]
    assert "施工完成" in error.message_dict["milestones"][0]


def test_a_project_is_completed_with_a_summary(city, project):
    add(project)
    refused(lambda: services.project_complete(actor=None, project=project, summary="x"), "milestones")
    for milestone in project.milestones.all():
        services.milestone_complete(actor=None, milestone=milestone)
    refused(lambda: services.project_complete(actor=None, project=project, summary=" "), "summary")
    services.project_complete(actor=city.users["community"], project=project, summary="按期完成")
    project.refresh_from_db()
    assert project.state == ProjectState.COMPLETED
    assert project.completed_at is not None
    assert project.remind_at is None
    refused(lambda: services.project_complete(actor=None, project=project, summary="x"), "state")
    refused(
        lambda: services.milestone_add(actor=None, project=project, title="x", due_on=project.deadline),
        "state",
    )


def test_cancelling_needs_a_reason_and_stops_the_reminders(city, project):
    milestone = add(project)
    refused(lambda: services.project_cancel(actor=None, project=project, reason=""), "reason")
    services.project_cancel(actor=city.users["community"], project=project, reason="资金未落实")
    project.refresh_from_db()
    milestone.refresh_from_db()
    assert (project.state, project.cancel_reason, project.remind_at) == (
        ProjectState.CANCELLED,
        "资金未落实",
        None,
    )
    assert milestone.remind_at is None
    refused(lambda: services.project_cancel(actor=None, project=project, reason="again"), "state")
    refused(lambda: services.milestone_complete(actor=None, milestone=milestone), "state")


# The two evaluations


def evaluate(project, by=EvaluationBy.RESIDENTS, score=95, participants=30, actor=None):
    return services.project_evaluate(
        actor=actor, project=project, by=by, score=score, participants=participants, comment="好"
    )


def test_an_evaluation_before_completion_is_refused(city, project):
    refused(lambda: evaluate(project), "state")


def test_both_evaluations_make_the_project_evaluated(city, project):
    finish(project)
    residents = evaluate(project, actor=city.users["community"])
    project.refresh_from_db()
    assert project.state == ProjectState.COMPLETED
    assert residents.grade == Grade.SATISFIED
    organisation = evaluate(project, by=EvaluationBy.ORGANISATION, score=75, participants=9)
    assert organisation.participants is None
    assert organisation.grade == Grade.FAIRLY_SATISFIED
    project.refresh_from_db()
    assert project.state == ProjectState.EVALUATED
    assert project.evaluated_at is not None
    last = project.events.order_by("-id").first()
    assert (last.action, last.from_state, last.to_state) == (
        ProjectAction.EVALUATE,
        ProjectState.COMPLETED,
        ProjectState.EVALUATED,
    )
    refused(lambda: evaluate(project), "by")


def test_a_second_evaluation_of_the_same_kind_is_refused(city, project):
    finish(project)
    evaluate(project)
    refused(lambda: evaluate(project, score=40), "by")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"score": 101}, "score"),
        ({"score": -1}, "score"),
        ({"score": None}, "score"),
        ({"participants": None}, "participants"),
        ({"participants": 0}, "participants"),
        ({"by": "mayor"}, "by"),
    ],
)
def test_bad_evaluations_are_refused(city, project, fields, field):
    finish(project)
    refused(lambda: evaluate(project, **fields), field)


def test_only_the_staff_evaluate(city, project):
    finish(project)
    refused(lambda: evaluate(project, actor=city.users["gridworker"]))


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "satisfied"),
        (90, "satisfied"),
        (89, "fairly_satisfied"),
        (60, "fairly_satisfied"),
        (59, "dissatisfied"),
        (0, "dissatisfied"),
    ],
)
def test_grades(score, grade):
    assert ProjectEvaluation(score=score).grade == grade


# Reminders


def later(days: int):
    return services.overdue_from(timezone.localdate() + datetime.timedelta(days=days))


def keys() -> list[tuple[str, str]]:
    return sorted(Notification.objects.values_list("recipient__username", "key"))


def test_the_sources_are_registered():
    assert SOURCES["projects.milestone_overdue"] is MILESTONES
    assert SOURCES["projects.project_overdue"] is PROJECTS


def test_an_overdue_milestone_reminds_owner_and_staff_once(city):
    project = make_project(city, owner=city.users["street"])
    milestone = services.milestone_add(
        actor=None,
        project=project,
        title="方案公示",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert sweep_source(MILESTONES, now=later(2)) == 0
    assert sweep_source(MILESTONES, now=later(3)) == 1
    key = f"milestone:{milestone.pk}:overdue:{milestone.due_on.isoformat()}"
    # The owner, and who holds cogov.change for exactly the community: its worker and its party secretary.
    assert keys() == [("community", key), ("party", key), ("street", key)]
    milestone.refresh_from_db()
    assert milestone.remind_at is None
    assert sweep_source(MILESTONES, now=later(10)) == 0
    assert Notification.objects.count() == 3


def test_a_done_milestone_does_not_remind(city, project):
    milestone = add(project)
    services.milestone_complete(actor=None, milestone=milestone)
    assert sweep_source(MILESTONES, now=later(40)) == 0
    assert Notification.objects.count() == 0


def test_a_milestone_of_a_cancelled_project_does_not_remind(city, project):
    milestone = add(project)
    # A row claimed by the sweep after cancelling (the remind_at put back by hand) still sends nothing.
    services.project_cancel(actor=None, project=project, reason="取消")
    Milestone.objects.filter(pk=milestone.pk).update(remind_at=later(0))
    assert sweep_source(MILESTONES, now=later(40)) == 1
    assert Notification.objects.count() == 0


def test_a_project_past_its_deadline_reminds_once(city, project):
    assert sweep_source(PROJECTS, now=later(29)) == 0
    assert sweep_source(PROJECTS, now=later(30)) == 1
    key = f"project:{project.pk}:overdue:{project.deadline.isoformat()}"
    assert keys() == [("community", key), ("party", key)]
    assert sweep_source(PROJECTS, now=later(40)) == 0
    assert Notification.objects.count() == 2


def test_a_deadline_moved_later_reminds_again_when_it_passes(city, project):
    assert sweep_source(PROJECTS, now=later(30)) == 1
    assert Notification.objects.count() == 2
    services.project_update(
        actor=None, project=project, deadline=project.deadline + datetime.timedelta(days=20)
    )
    assert sweep_source(PROJECTS, now=later(45)) == 0
    assert sweep_source(PROJECTS, now=later(51)) == 1
    assert Notification.objects.count() == 4


def test_a_completed_project_does_not_remind(city, project):
    finish(project)
    assert sweep_source(PROJECTS, now=later(40)) == 0
    assert Notification.objects.count() == 0


# Demo


def test_the_demo_is_written_once(db):
    build_city()
    created = demo_projects()
    assert created == 5
    assert demo_projects() == 0
    assert Project.objects.count() == 5
    states = dict(Project.objects.values_list("title", "state"))
    assert states["社区食堂"] == ProjectState.EVALUATED
    assert states["口袋公园改造"] == ProjectState.COMPLETED
    assert ProjectEvaluation.objects.count() == 2
    today = timezone.localdate()
    assert Milestone.objects.filter(done_at__isnull=True, due_on__lt=today).exists()
