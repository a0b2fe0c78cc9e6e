"""The council services: each action's happy path and every way it is refused, changing nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.roles import PERMISSIONS, Role
from apps.cases.choices import CaseStatus, Channel
from apps.cases.models import Case
from apps.cases.services import case_report
from apps.councils.choices import FollowUp, Outcome, TaskAction, TaskState
from apps.councils.demo import demo_councils
from apps.councils.models import Meeting, Resolution, Task, TaskEvent, Topic
from apps.councils.services import (
    meeting_create,
    resolution_add,
    resolution_make_case,
    resolution_make_task,
    task_cancel,
    task_complete,
    topic_add,
)

from .support import PEOPLE, a_meeting, a_resolution, a_task, in_days

pytestmark = pytest.mark.django_db


def _fields(error: ValidationError) -> set[str]:
    return set(error.message_dict)


# Meetings


def test_a_meeting_is_placed_in_its_area_with_its_participants(city):
    meeting = a_meeting(city, place="党群服务中心", host="张书记")
    community = city.communities[0]
    assert (meeting.community_id, meeting.street_id, meeting.district_id) == (
        community.pk,
        community.parent_id,
        city.district.pk,
    )
    assert meeting.participants == PEOPLE
    assert meeting.created_by == city.users["community"]


@pytest.mark.parametrize(
    "participants",
    [[], [{"name": "  ", "role": "居民"}], None],
    ids=["none", "blank names", "missing"],
)
def test_a_meeting_without_participants_is_refused(city, participants):
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as caught:
        a_meeting(city, participants=participants)
    assert _fields(caught.value) == {"participants"}
    assert Meeting.objects.count() == before


def test_a_meeting_far_ahead_is_refused_but_a_planned_one_is_not(city):
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as caught:
        a_meeting(city, held_at=timezone.now() + datetime.timedelta(days=200))
    assert _fields(caught.value) == {"held_at"}
    assert Meeting.objects.count() == before
    a_meeting(city, held_at=timezone.now() + datetime.timedelta(days=7))
    assert Meeting.objects.count() == before + 1


@pytest.mark.parametrize("level", ["district", "building"])
def test_councils_meet_only_for_a_street_community_or_grid(city, level):
    area = city.district if level == "district" else city.buildings[0]
    with pytest.raises(ValidationError) as caught:
        a_meeting(city, area=area, actor=city.users["district"])
    assert "area" in _fields(caught.value)
    assert not Meeting.objects.filter(area=area).exists()


def test_several_errors_are_answered_at_once(city):
    with pytest.raises(ValidationError) as caught:
        meeting_create(
            actor=None,
            area=city.district,
            kind="picnic",
            title=" ",
            held_at=timezone.now(),
            participants=[],
        )
    assert _fields(caught.value) == {"area", "kind", "title", "participants"}


@pytest.mark.parametrize("who", ["gridworker", "auditor", "outsider"])
def test_only_council_staff_of_the_area_record_meetings(city, outsider, who):
    actor = outsider if who == "outsider" else city.users[who]
    before = Meeting.objects.count()
    with pytest.raises(ValidationError):
        a_meeting(city, actor=actor)
    assert Meeting.objects.count() == before


def test_the_party_secretary_and_street_staff_record_meetings(city):
    assert a_meeting(city, actor=city.users["party"]).pk
    assert a_meeting(city, actor=city.users["street"], area=city.streets[0]).street_id == city.streets[0].pk


# Topics and resolutions


def test_topics_and_resolutions_belong_to_their_meeting(city):
    meeting = a_meeting(city)
    topic = topic_add(actor=city.users["community"], meeting=meeting, title="停车", raised_by="居民")
    resolution = resolution_add(actor=city.users["party"], meeting=meeting, text="增设车位", topic=topic)
    assert (resolution.meeting, resolution.topic, resolution.outcome) == (meeting, topic, Outcome.ADOPTED)
    assert resolution.follow_up == FollowUp.NONE


def test_a_resolution_on_another_meetings_topic_is_refused(city):
    meeting, other = a_meeting(city), a_meeting(city, title="另一次会议")
    topic = topic_add(actor=None, meeting=other, title="别的议题")
    with pytest.raises(ValidationError) as caught:
        resolution_add(actor=None, meeting=meeting, text="决议", topic=topic)
    assert _fields(caught.value) == {"topic"}
    assert not Resolution.objects.filter(meeting=meeting).exists()


def test_an_empty_resolution_or_topic_is_refused(city, outsider):
    meeting = a_meeting(city)
    with pytest.raises(ValidationError) as caught:
        resolution_add(actor=None, meeting=meeting, text="  ", outcome="maybe")
    assert _fields(caught.value) == {"text", "outcome"}
    with pytest.raises(ValidationError):
        topic_add(actor=None, meeting=meeting, title="")
    with pytest.raises(ValidationError):
        topic_add(actor=outsider, meeting=meeting, title="越界")
    assert not Topic.objects.filter(meeting=meeting).exists()
    assert not Resolution.objects.filter(meeting=meeting).exists()


# Tasks


def test_a_resolution_becomes_a_task_with_an_owner_a_deadline_and_a_timeline(city):
    resolution = a_resolution(city)
    task = resolution_make_task(
        actor=city.users["community"],
        resolution=resolution,
        owner=city.users["gridworker"],
        deadline=in_days(10),
        area=city.grids[0],
    )
    resolution.refresh_from_db()
    assert resolution.follow_up == FollowUp.TASK
    assert (task.state, task.owner, task.area, task.grid_id) == (
        TaskState.OPEN,
        city.users["gridworker"],
        city.grids[0],
        city.grids[0].pk,
    )
    assert task.title == "夜间停车位不足"  # the topic's, when none is given
    assert task.remind_at is not None
    assert list(task.events.values_list("action", "to_state")) == [(TaskAction.CREATE, TaskState.OPEN)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": None}, "owner"),
        ({"deadline": None}, "deadline"),
        ({"deadline": "past"}, "deadline"),
        ({"owner": "outsider"}, "owner"),
        ({"owner": "dept"}, "owner"),
        ({"area": "other community"}, "area"),
    ],
)
def test_a_task_without_a_fit_owner_or_deadline_is_refused(city, outsider, change, field):
    resolution = a_resolution(city)
    arguments = {"owner": city.users["community"], "deadline": in_days(5), "area": None}
    people = {"outsider": outsider, "dept": city.users["dept"]}
    named = {"past": in_days(-1), "other community": city.communities[1], **people}
    for key, value in change.items():
        arguments[key] = named.get(value, value) if isinstance(value, str) else value
    with pytest.raises(ValidationError) as caught:
        resolution_make_task(actor=city.users["community"], resolution=resolution, **arguments)
    assert field in _fields(caught.value)
    resolution.refresh_from_db()
    assert resolution.follow_up == FollowUp.NONE
    assert not Task.objects.filter(resolution=resolution).exists()


@pytest.mark.parametrize("first", ["task", "case"])
@pytest.mark.parametrize("second", ["task", "case"])
def test_a_second_follow_up_is_refused(city, first, second):
    resolution = a_resolution(city)
    follow_ups = {
        "task": lambda: resolution_make_task(
            actor=city.users["community"],
            resolution=resolution,
            owner=city.users["community"],
            deadline=in_days(3),
        ),
        "case": lambda: resolution_make_case(
            actor=city.users["community"],
            resolution=resolution,
            category=city.categories[1],
            owner=city.users["community"],
            deadline=in_days(30),
        ),
    }
    follow_ups[first]()
    tasks, cases = Task.objects.count(), Case.objects.count()
    with pytest.raises(ValidationError) as caught:
        follow_ups[second]()
    assert "already has a follow-up" in caught.value.messages[0]
    assert (Task.objects.count(), Case.objects.count()) == (tasks, cases)
    resolution.refresh_from_db()
    assert resolution.follow_up == first


@pytest.mark.parametrize("outcome", [Outcome.REJECTED, Outcome.DEFERRED])
def test_only_an_adopted_resolution_is_followed_up(city, outcome):
    resolution = a_resolution(city, outcome=outcome)
    with pytest.raises(ValidationError):
        resolution_make_task(
            actor=None, resolution=resolution, owner=city.users["community"], deadline=in_days(3)
        )
    assert not Task.objects.filter(resolution=resolution).exists()


def test_the_owner_marks_the_task_done_with_a_report(city):
    task = a_task(city, owner=city.users["gridworker"], area=city.grids[0])
    done = task_complete(actor=city.users["gridworker"], task=task, report="已施划标线")
    assert (done.state, done.report, done.remind_at) == (TaskState.DONE, "已施划标线", None)
    assert done.done_at is not None
    event = task.events.last()
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        TaskAction.COMPLETE,
        city.users["gridworker"],
        TaskState.OPEN,
        TaskState.DONE,
    )


def test_completing_is_refused_without_a_report_to_others_and_twice(city):
    task = a_task(city, owner=city.users["gridworker"], area=city.grids[0])
    with pytest.raises(ValidationError) as caught:
        task_complete(actor=city.users["gridworker"], task=task, report=" ")
    assert _fields(caught.value) == {"report"}
    with pytest.raises(ValidationError):
        # Sees the task, but neither owns it nor may change councils.
        task_complete(actor=city.users["gridhead"], task=task, report="做完了")
    task.refresh_from_db()
    assert (task.state, task.events.count()) == (TaskState.OPEN, 1)
    task_complete(actor=city.users["community"], task=task, report="社区代为确认")
    with pytest.raises(ValidationError):
        task_complete(actor=city.users["gridworker"], task=task, report="再次")
    assert task.events.count() == 2


def test_cancelling_needs_council_staff_and_a_reason(city):
    task = a_task(city, owner=city.users["gridworker"], area=city.grids[0])
    with pytest.raises(ValidationError):
        task_cancel(actor=city.users["gridworker"], task=task, reason="不做了")
    with pytest.raises(ValidationError) as caught:
        task_cancel(actor=city.users["community"], task=task, reason="")
    assert _fields(caught.value) == {"reason"}
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    cancelled = task_cancel(actor=city.users["community"], task=task, reason="已由街道统一实施")
    assert (cancelled.state, cancelled.remind_at, cancelled.cancel_reason) == (
        TaskState.CANCELLED,
        None,
        "已由街道统一实施",
    )
    assert TaskEvent.objects.filter(task=task, action=TaskAction.CANCEL).count() == 1


# Cases


def test_a_resolution_becomes_exactly_one_council_case(city):
    resolution = a_resolution(city)
    before = Case.objects.count()
    case = resolution_make_case(
        actor=city.users["community"],
        resolution=resolution,
        category=city.categories[1],
        owner=city.users["party"],
        deadline=in_days(30),
        area=city.grids[0],
    )
    assert Case.objects.count() == before + 1
    assert (case.channel, case.status, case.area, case.category) == (
        Channel.COUNCIL,
        CaseStatus.REPORTED,
        city.grids[0],
        city.categories[1],
    )
    assert case.idempotency_key == f"resolution-{resolution.pk}"
    assert resolution.text in case.description
    assert resolution.meeting.title in case.description
    resolution.refresh_from_db()
    assert (resolution.follow_up, resolution.case, resolution.case_owner, resolution.case_deadline) == (
        FollowUp.CASE,
        case,
        city.users["party"],
        in_days(30),
    )


def test_a_case_already_reported_for_the_resolution_is_taken_up_not_reported_again(city):
    """A retry after a case was reported under the resolution's key gets that case back."""
    resolution = a_resolution(city)
    earlier, _created = case_report(
        actor=city.users["community"],
        channel=Channel.COUNCIL,
        category=city.categories[1],
        area=city.communities[0],
        title="停车",
        description="决议",
        idempotency_key=f"resolution-{resolution.pk}",
    )
    before = Case.objects.count()
    case = resolution_make_case(
        actor=city.users["community"],
        resolution=resolution,
        category=city.categories[1],
        owner=city.users["community"],
        deadline=in_days(30),
    )
    assert case == earlier
    assert Case.objects.count() == before


def test_a_case_needs_a_category_and_a_fit_owner(city, outsider):
    resolution = a_resolution(city)
    before = Case.objects.count()
    with pytest.raises(ValidationError) as caught:
        resolution_make_case(
            actor=city.users["community"], resolution=resolution, category=None, owner=None, deadline=None
        )
    assert _fields(caught.value) == {"owner", "deadline"}
    with pytest.raises(ValidationError) as caught:
        resolution_make_case(
            actor=city.users["community"],
            resolution=resolution,
            category=None,
            owner=city.users["community"],
            deadline=in_days(3),
        )
    assert _fields(caught.value) == {"category"}
    with pytest.raises(ValidationError) as caught:
        resolution_make_case(
            actor=city.users["community"],
            resolution=resolution,
            category=city.categories[1],
            owner=outsider,
            deadline=in_days(3),
        )
    assert _fields(caught.value) == {"owner"}
    assert Case.objects.count() == before
    resolution.refresh_from_db()
    assert resolution.follow_up == FollowUp.NONE


def test_a_council_holder_who_may_not_report_cases_gets_a_clear_error(city, monkeypatch):
    monkeypatch.setitem(
        PERMISSIONS, Role.PARTY_SECRETARY, PERMISSIONS[Role.PARTY_SECRETARY] - {"case.report"}
    )
    party = city.users["party"]
    party.__dict__.pop("_gridgov_scope", None)
    resolution = a_resolution(city)
    before = Case.objects.count()
    with pytest.raises(ValidationError) as caught:
        resolution_make_case(
            actor=party,
            resolution=resolution,
            category=city.categories[1],
            owner=city.users["community"],
            deadline=in_days(3),
        )
    party.__dict__.pop("_gridgov_scope", None)
    assert _fields(caught.value) == {"area"}
    assert "may not report cases" in caught.value.message_dict["area"][0]
    assert Case.objects.count() == before


# Demo


def test_the_demo_is_recorded_once(city):
    assert demo_councils() == 4
    street = city.streets[0]
    meetings = Meeting.objects.filter(street=street)
    assert meetings.count() == 4
    assert {m.kind for m in meetings} == {"party_masses", "residents", "night_talk", "joint"}
    tasks = Task.objects.filter(resolution__meeting__in=meetings)
    assert sorted(tasks.values_list("state", flat=True)) == [TaskState.DONE, TaskState.OPEN]
    assert {task.owner.username for task in tasks} == {"community"}
    cases = Case.objects.filter(council_resolution__meeting__in=meetings)
    assert [case.channel for case in cases] == [Channel.COUNCIL]
    counts = (Meeting.objects.count(), Task.objects.count(), Case.objects.count(), Resolution.objects.count())
    assert demo_councils() == 0
    assert (
        Meeting.objects.count(),
        Task.objects.count(),
        Case.objects.count(),
        Resolution.objects.count(),
    ) == counts
