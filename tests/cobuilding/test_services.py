"""The co-building services: agreements and their lists, taking needs (接单), the two-way evaluation and
its results, and the reminders of open needs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.accounts.scope import user_scope
from apps.areas.services import area_create
from apps.cobuilding import services
from apps.cobuilding.choices import AgreementAction, AgreementState, Direction, NeedState, ProjectStatus
from apps.cobuilding.demo import demo_cobuilding
from apps.cobuilding.models import (
    Agreement,
    AgreementEvent,
    Evaluation,
    EvaluationRound,
    JointProject,
    Need,
    Resource,
    today,
)
from apps.cobuilding.reminders import SOURCE
from apps.cobuilding.selectors import round_results
from apps.notifications.models import Notification
from apps.notifications.reminders import SOURCES, sweep_source
from apps.party.choices import PartnerUnitType
from apps.party.services import partner_unit_create
from tests.builders import build_city

from .support import DAY, agree, codes, open_round, unit_in, worker_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def agreement(city):
    return agree(city.communities[0], city.partner_units[0], actor=city.users["community"])


@pytest.fixture
def need(agreement):
    return services.need_add(actor=None, agreement=agreement, title="青少年暑期托管")


def refused(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return codes(caught.value)


# Agreements


def test_an_agreement_is_placed_in_its_area_and_starts_its_timeline(city, agreement):
    assert agreement.state == AgreementState.ACTIVE
    assert (agreement.district_id, agreement.street_id, agreement.community_id) == (
        city.district.pk,
        city.streets[0].pk,
        city.communities[0].pk,
    )
    event = agreement.events.get()
    assert (event.action, event.actor, event.to_state) == (
        AgreementAction.CREATED,
        city.users["community"],
        AgreementState.ACTIVE,
    )


def test_a_street_signs_agreements_too(city):
    agreement = agree(city.streets[0], city.partner_units[1], actor=city.users["street"])
    assert agreement.street_id == city.streets[0].pk
    assert agreement.community_id is None


@pytest.mark.parametrize(
    ("case", "field", "code"),
    [
        ("grid", "area", "level"),
        ("district", "area", "level"),
        ("other_district", "partner_unit", "district"),
        ("period", "valid_until", "period"),
    ],
)
def test_a_bad_agreement_is_refused_and_nothing_is_written(city, case, field, code):
    area, unit = city.communities[0], city.partner_units[0]
    start = end = None
    if case == "grid":
        area = city.grids[0]
    elif case == "district":
        area = city.district
    elif case == "other_district":
        elsewhere = area_create(actor=None, parent=None, name="外区", code="320101")
        unit = partner_unit_create(
            actor=None, area=elsewhere, name="外区医院", unit_type=PartnerUnitType.HOSPITAL
        )
    else:
        start, end = today(), today() - DAY
    assert refused(agree, area=area, unit=unit, valid_from=start, valid_until=end) == {field: [code]}
    assert not Agreement.objects.exists()
    assert not AgreementEvent.objects.exists()


def test_one_active_agreement_per_area_and_unit(city, agreement):
    assert refused(agree, area=city.communities[0], unit=city.partner_units[0]) == {
        "partner_unit": ["duplicate"]
    }
    assert Agreement.objects.count() == 1
    services.agreement_terminate(actor=None, agreement=agreement, reason="单位搬迁")
    assert agree(city.communities[0], city.partner_units[0]).state == AgreementState.ACTIVE


def test_only_staff_of_the_area_sign_agreements(city):
    for username in ("gridworker", "auditor"):
        with pytest.raises(ValidationError):
            agree(city.communities[0], city.partner_units[0], actor=city.users[username])
    with pytest.raises(ValidationError):
        agree(city.communities[1], city.partner_units[0], actor=city.users["community"])
    assert not Agreement.objects.exists()


def test_terminating_records_the_reason_and_closes_the_lists(city, agreement):
    services.agreement_terminate(actor=city.users["street"], agreement=agreement, reason="单位搬迁")
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.TERMINATED
    assert agreement.terminated_at
    last = agreement.events.last()
    assert (last.action, last.from_state, last.to_state, last.note) == (
        AgreementAction.TERMINATED,
        "active",
        "terminated",
        "单位搬迁",
    )
    assert refused(services.agreement_terminate, actor=None, agreement=agreement, reason="again") == {
        "agreement": ["terminated"]
    }
    assert refused(services.resource_add, actor=None, agreement=agreement, title="场地", kind="venue") == {
        "agreement": ["terminated"]
    }
    assert not Resource.objects.exists()


def test_terminating_needs_a_reason(agreement):
    assert refused(services.agreement_terminate, actor=None, agreement=agreement, reason=" ") == {
        "reason": ["required"]
    }
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE


def test_an_expired_agreement_takes_no_new_items(city):
    old = agree(
        city.communities[0],
        city.partner_units[0],
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2020, 12, 31),
    )
    assert old.is_expired
    assert old.shown_state == "expired"
    assert refused(services.need_add, actor=None, agreement=old, title="助餐") == {"agreement": ["expired"]}
    assert not Need.objects.exists()


def test_the_three_lists_are_placed_like_the_agreement_and_on_the_timeline(city, agreement):
    resource = services.resource_add(
        actor=city.users["party"], agreement=agreement, title="场地共享", kind="venue", quantity="每周两次"
    )
    need = services.need_add(actor=None, agreement=agreement, title="助餐", needed_by=today() + 10 * DAY)
    project = services.project_add(actor=None, agreement=agreement, title="加装电梯")
    for row in (resource, need, project):
        assert (row.area_id, row.community_id) == (agreement.area_id, city.communities[0].pk)
    assert need.state == NeedState.OPEN
    assert project.status == ProjectStatus.PLANNED
    assert list(agreement.events.values_list("action", flat=True)) == [
        AgreementAction.CREATED,
        AgreementAction.RESOURCE_ADDED,
        AgreementAction.NEED_ADDED,
        AgreementAction.PROJECT_ADDED,
    ]


def test_a_bad_resource_kind_is_refused(agreement):
    assert "kind" in refused(services.resource_add, actor=None, agreement=agreement, title="x", kind="gold")
    assert not Resource.objects.exists()
    assert agreement.events.count() == 1


# Taking needs (接单)


def test_the_agreements_own_unit_takes_a_need(city, agreement, need):
    taken = services.need_take(actor=city.users["community"], need=need, partner_unit=city.partner_units[0])
    assert (taken.state, taken.taken_by, taken.taken_by_user) == (
        NeedState.TAKEN,
        city.partner_units[0],
        city.users["community"],
    )
    assert taken.taken_at is not None
    event = agreement.events.last()
    assert (event.action, event.from_state, event.to_state) == (AgreementAction.NEED_TAKEN, "open", "taken")
    assert event.data["partner_unit"] == city.partner_units[0].pk


def test_another_unit_with_an_agreement_in_the_area_takes_a_need(city, agreement, need):
    hospital = unit_in(city.communities[0])
    agree(city.communities[0], hospital)
    assert services.need_take(actor=None, need=need, partner_unit=hospital).taken_by == hospital


def test_a_unit_without_an_agreement_in_force_in_the_area_cannot_take(city, agreement, need):
    outsider = unit_in(city.communities[0])
    assert refused(services.need_take, actor=None, need=need, partner_unit=outsider) == {
        "partner_unit": ["no_agreement"]
    }
    # An agreement with another community does not count, nor an expired one with this community.
    agree(city.communities[1], outsider)
    agree(
        city.communities[0],
        outsider,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2020, 12, 31),
    )
    assert refused(services.need_take, actor=None, need=need, partner_unit=outsider) == {
        "partner_unit": ["no_agreement"]
    }
    need.refresh_from_db()
    assert need.state == NeedState.OPEN
    assert need.taken_by is None


def test_taking_a_taken_need_is_refused_and_changes_nothing(city, agreement, need):
    hospital = unit_in(city.communities[0])
    agree(city.communities[0], hospital)
    services.need_take(actor=None, need=need, partner_unit=city.partner_units[0])
    events = AgreementEvent.objects.count()
    assert refused(services.need_take, actor=None, need=need, partner_unit=hospital) == {"need": ["not_open"]}
    need.refresh_from_db()
    assert (need.state, need.taken_by) == (NeedState.TAKEN, city.partner_units[0])
    assert AgreementEvent.objects.count() == events


def test_a_need_of_a_terminated_agreement_cannot_be_taken(city, agreement, need):
    services.agreement_terminate(actor=None, agreement=agreement, reason="到期前解除")
    assert refused(services.need_take, actor=None, need=need, partner_unit=city.partner_units[0]) == {
        "agreement": ["terminated"]
    }


def test_staff_elsewhere_cannot_take_for_a_unit(city, need):
    other = worker_of(city.communities[1], "other")
    with pytest.raises(ValidationError):
        services.need_take(actor=other, need=need, partner_unit=city.partner_units[0])
    need.refresh_from_db()
    assert need.state == NeedState.OPEN


def test_only_a_taken_need_is_fulfilled(city, need):
    assert refused(services.need_fulfil, actor=None, need=need, note="完成") == {"need": ["not_taken"]}
    services.need_take(actor=None, need=need, partner_unit=city.partner_units[0])
    assert refused(services.need_fulfil, actor=None, need=need, note="") == {"note": ["required"]}
    done = services.need_fulfil(actor=city.users["community"], need=need, note="托管六周")
    assert (done.state, done.fulfilment_note) == (NeedState.FULFILLED, "托管六周")
    assert done.fulfilled_at is not None
    assert refused(services.need_fulfil, actor=None, need=need, note="again") == {"need": ["not_taken"]}


def test_cancelling_a_need(city, need):
    assert refused(services.need_cancel, actor=None, need=need, reason="") == {"reason": ["required"]}
    cancelled = services.need_cancel(actor=None, need=need, reason="居民已自行解决")
    assert cancelled.state == NeedState.CANCELLED
    assert cancelled.remind_at is None
    assert refused(services.need_take, actor=None, need=need, partner_unit=city.partner_units[0]) == {
        "need": ["not_open"]
    }


def test_a_project_only_moves_forward(agreement):
    project = services.project_add(actor=None, agreement=agreement, title="加装电梯")
    services.project_set_status(actor=None, project=project, status=ProjectStatus.UNDERWAY)
    assert refused(
        services.project_set_status, actor=None, project=project, status=ProjectStatus.PLANNED
    ) == {"status": ["backwards"]}
    assert refused(services.project_set_status, actor=None, project=project, status="finished") == {
        "status": ["invalid"]
    }
    done = services.project_set_status(
        actor=None, project=project, status=ProjectStatus.COMPLETED, note="3个门栋完工"
    )
    assert (done.status, done.completion_note) == (ProjectStatus.COMPLETED, "3个门栋完工")
    assert JointProject.objects.get().completed_at is not None
    assert list(
        agreement.events.filter(action=AgreementAction.PROJECT_STATUS).values_list("to_state", flat=True)
    ) == [
        "underway",
        "completed",
    ]


# Two-way evaluation (双向评议)


def test_rounds_are_held_by_a_street_or_district_once_a_year(city):
    assert refused(open_round, area=city.communities[0]) == {"area": ["level"]}
    assert refused(open_round, area=city.streets[0], opens_on=today(), closes_on=today() - DAY) == {
        "closes_on": ["window"]
    }
    open_round(city.streets[0])
    assert refused(open_round, area=city.streets[0]) == {"year": ["duplicate"]}
    assert refused(
        services.round_create,
        actor=city.users["community"],
        area=city.streets[1],
        year=today().year,
        opens_on=today(),
        closes_on=today(),
    ) == {"__all__": ["forbidden"]}
    assert EvaluationRound.objects.count() == 1
    assert open_round(city.district).district_id == city.district.pk


def record(evaluation_round, agreement, direction=Direction.AREA_RATES_UNIT, score=90, actor=None):
    return services.evaluation_record(
        actor=actor,
        evaluation_round=evaluation_round,
        agreement=agreement,
        direction=direction,
        score=score,
        comment="",
    )


def test_both_sides_are_rated_with_a_grade_and_on_the_timeline(city, agreement):
    evaluation_round = open_round(city.streets[0])
    by_area = record(evaluation_round, agreement, score=95, actor=city.users["community"])
    by_unit = record(
        evaluation_round, agreement, Direction.UNIT_RATES_AREA, 74, actor=city.users["community"]
    )
    assert (by_area.grade, by_unit.grade) == ("excellent", "fair")
    assert by_area.community_id == city.communities[0].pk
    assert by_area.recorded_by == city.users["community"]
    assert agreement.events.filter(action=AgreementAction.EVALUATED).count() == 2


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (89, "good"),
        (75, "good"),
        (74, "fair"),
        (60, "fair"),
        (59, "poor"),
        (0, "poor"),
    ],
)
def test_grades(city, agreement, score, grade):
    assert record(open_round(city.streets[0]), agreement, score=score).grade == grade


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(1, 10), (-10, -1)],
    ids=["not yet open", "closed"],
)
def test_an_evaluation_outside_its_window_is_refused_naming_the_window(city, agreement, opens, closes):
    evaluation_round = open_round(
        city.streets[0], opens_on=today() + opens * DAY, closes_on=today() + closes * DAY
    )
    with pytest.raises(ValidationError) as caught:
        record(evaluation_round, agreement)
    assert codes(caught.value) == {"round": ["outside_window"]}
    message = caught.value.message_dict["round"][0]
    assert evaluation_round.opens_on.isoformat() in message
    assert evaluation_round.closes_on.isoformat() in message
    assert not Evaluation.objects.exists()
    assert not agreement.events.filter(action=AgreementAction.EVALUATED).exists()


def test_the_window_includes_its_first_and_last_day(city, agreement):
    record(open_round(city.streets[0], opens_on=today(), closes_on=today()), agreement)
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize("score", [-1, 101, True, 88.5])
def test_a_score_outside_0_to_100_is_refused(city, agreement, score):
    assert refused(
        record, evaluation_round=open_round(city.streets[0]), agreement=agreement, score=score
    ) == {"score": ["score_range"]}
    assert not Evaluation.objects.exists()


def test_the_same_side_cannot_be_rated_twice_in_a_round(city, agreement):
    evaluation_round = open_round(city.streets[0])
    record(evaluation_round, agreement, score=80)
    assert refused(record, evaluation_round=evaluation_round, agreement=agreement, score=90) == {
        "direction": ["duplicate"]
    }
    assert list(Evaluation.objects.values_list("score", flat=True)) == [80]


def test_the_agreement_must_lie_in_the_rounds_area_and_year(city, agreement):
    assert refused(record, evaluation_round=open_round(city.streets[1]), agreement=agreement) == {
        "agreement": ["outside_area"]
    }
    past = open_round(city.streets[0], year=today().year - 3)
    assert refused(record, evaluation_round=past, agreement=agreement) == {"agreement": ["outside_year"]}
    assert not Evaluation.objects.exists()


def test_only_staff_of_the_agreements_area_record_evaluations(city, agreement):
    evaluation_round = open_round(city.streets[0])
    for user in (city.users["gridworker"], worker_of(city.communities[1], "neighbour")):
        with pytest.raises(ValidationError):
            record(evaluation_round, agreement, actor=user)
    assert not Evaluation.objects.exists()


def test_results_average_each_side_per_unit_and_per_area(city, agreement, django_assert_num_queries):
    hospital = unit_in(city.streets[0])
    school = city.partner_units[0]
    second = agree(city.communities[1], school)
    third = agree(city.communities[0], hospital)
    evaluation_round = open_round(city.streets[0])
    record(evaluation_round, agreement, score=90)
    record(evaluation_round, second, score=81)
    record(evaluation_round, third, score=50)
    record(evaluation_round, agreement, Direction.UNIT_RATES_AREA, 70)
    record(evaluation_round, third, Direction.UNIT_RATES_AREA, 91)
    record(evaluation_round, second, Direction.UNIT_RATES_AREA, 88)
    user_scope(city.users["street"])  # loaded once per request, before any page reads
    with django_assert_num_queries(2):
        units, areas = round_results(city.users["street"], evaluation_round)
    assert [(r.name, r.count, r.average, r.grade) for r in units] == [
        (school.name, 2, 85.5, "good"),
        (hospital.name, 1, 50.0, "poor"),
    ]
    assert [(r.name, r.count, r.average, r.grade) for r in areas] == [
        (city.communities[1].name, 1, 88.0, "good"),
        (city.communities[0].name, 2, 80.5, "good"),
    ]
    # A community's worker sees the results of their own community only.
    units, areas = round_results(city.users["community"], evaluation_round)
    assert [(r.name, r.count, r.average) for r in units] == [(school.name, 1, 90.0), (hospital.name, 1, 50.0)]
    assert [(r.name, r.count) for r in areas] == [(city.communities[0].name, 2)]


# Reminders


def test_an_open_need_reminds_its_staff_before_and_on_the_day_until_taken(city, agreement):
    assert SOURCES["cobuilding.open_needs"] is SOURCE
    needed_by = today() + 10 * DAY
    need = services.need_add(actor=None, agreement=agreement, title="助餐", needed_by=needed_by)
    first = need.remind_at
    assert first is not None
    assert first.date() <= needed_by - 3 * DAY
    assert sweep_source(SOURCE, now=first - datetime.timedelta(minutes=1)) == 0
    assert sweep_source(SOURCE, now=first) == 1
    notified = Notification.objects.filter(recipient=city.users["community"])
    assert notified.count() == 1
    assert "助餐" in notified.get().title
    need.refresh_from_db()
    assert need.remind_at is not None
    assert need.remind_at > first
    # The same threshold swept again sends nothing new.
    Need.objects.filter(pk=need.pk).update(remind_at=first)
    sweep_source(SOURCE, now=first)
    assert notified.count() == 1
    services.need_take(actor=None, need=need, partner_unit=city.partner_units[0])
    assert sweep_source(SOURCE, now=first + 30 * DAY) == 0
    assert notified.count() == 1


def test_a_need_without_a_date_never_reminds(agreement):
    assert services.need_add(actor=None, agreement=agreement, title="助餐").remind_at is None


# Demo


def test_the_demo_is_idempotent():
    build_city()
    created = demo_cobuilding()
    assert created >= 2
    assert Agreement.objects.count() == created
    assert Need.objects.filter(state=NeedState.FULFILLED).exists()
    assert Need.objects.filter(state=NeedState.TAKEN).exists()
    evaluation_round = EvaluationRound.objects.get()
    assert evaluation_round.is_open
    assert set(Evaluation.objects.values_list("direction", flat=True)) == set(Direction.values)
    counts = [Model.objects.count() for Model in (Agreement, Resource, Need, JointProject, Evaluation)]
    assert demo_cobuilding() == 0
    assert [
        Model.objects.count() for Model in (Agreement, Resource, Need, JointProject, Evaluation)
    ] == counts
