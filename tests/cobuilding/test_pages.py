"""The co-building pages through the real views: agreements and their lists, taking needs, rounds of the
two-way evaluation; scoping, bad input and query counts."""

import pytest
from django.urls import reverse

from apps.cobuilding import services
from apps.cobuilding.choices import AgreementState, Direction, NeedState, ProjectStatus
from apps.cobuilding.models import Agreement, Evaluation, EvaluationRound, JointProject, Need, Resource, today

from .support import DAY, agree, open_round, unit_in, worker_of

pytestmark = pytest.mark.django_db
LIST = reverse("cobuilding:agreement_list")
CREATE = reverse("cobuilding:agreement_create")
ROUNDS = reverse("cobuilding:round_list")


def detail(agreement) -> str:
    return reverse("cobuilding:agreement_detail", args=[agreement.pk])


@pytest.fixture
def agreement(city):
    return agree(city.communities[0], city.partner_units[0], title="一社区共建协议")


@pytest.fixture
def elsewhere(city):
    """An agreement of the second street's first community."""
    return agree(city.communities[2], city.partner_units[1], title="二街道共建协议")


def titles(response) -> list[str]:
    return [agreement.title for agreement in response.context["page_obj"]]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("community", ["一社区共建协议"]),
        # Agreements are placed at the community: a grid's worker sees none of them.
        ("gridworker", []),
        ("auditor", ["一社区共建协议"]),
        ("street", ["一社区共建协议"]),
        ("district", ["一社区共建协议", "二街道共建协议"]),
    ],
)
@pytest.mark.usefixtures("agreement", "elsewhere")
def test_the_list_shows_the_agreements_in_scope(city, as_user, username, expected):
    response = as_user(city.users[username]).get(LIST)
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(expected)
    assert response.context["may_create"] is (username not in {"gridworker", "auditor"})


def test_a_department_handler_has_no_co_building_pages(city, as_user):
    client = as_user(city.users["dept"])
    assert client.get(LIST).status_code == 403
    assert client.get(ROUNDS).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_the_list_filters_by_state_unit_and_text(city, as_user, agreement):
    hospital = unit_in(city.communities[0], "区中心医院")
    other = agree(city.communities[0], hospital, title="医院共建")
    services.agreement_terminate(actor=None, agreement=other, reason="解除")
    agree(
        city.communities[0],
        hospital,
        title="旧协议",
        valid_from=today().replace(year=2020, month=1, day=1),
        valid_until=today().replace(year=2020, month=12, day=31),
    )
    client = as_user(city.users["community"])
    assert titles(client.get(LIST, {"state": "active"})) == ["一社区共建协议"]
    assert titles(client.get(LIST, {"state": "terminated"})) == ["医院共建"]
    assert titles(client.get(LIST, {"state": "expired"})) == ["旧协议"]
    assert sorted(titles(client.get(LIST, {"unit": hospital.pk}))) == ["医院共建", "旧协议"]
    assert titles(client.get(LIST, {"q": "医院共建"})) == ["医院共建"]


def test_the_list_costs_the_same_queries_for_5_and_30_agreements(city, as_user, django_assert_num_queries):
    unit = city.partner_units[0]

    def add(count):
        for _ in range(count):
            row = agree(city.communities[0], unit)
            services.need_add(actor=None, agreement=row, title="助餐")
            services.agreement_terminate(actor=None, agreement=row, reason="换签")

    client = as_user(city.users["community"])
    add(5)
    with django_assert_num_queries(9):
        assert len(client.get(LIST).context["page_obj"]) == 5
    add(25)
    with django_assert_num_queries(9):
        assert len(client.get(LIST).context["page_obj"]) == 30


def test_signing_an_agreement_on_the_page(city, as_user):
    client = as_user(city.users["community"])
    assert client.get(CREATE).status_code == 200
    data = {
        "area": city.communities[0].pk,
        "partner_unit": city.partner_units[0].pk,
        "title": "共建协议",
        "signed_on": "2026-01-01",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
    }
    response = client.post(CREATE, data)
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response.url == detail(agreement)
    assert agreement.created_by == city.users["community"]
    # The same pair again: the service's error on the form, nothing written.
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].errors["partner_unit"]
    # Another community is not among the choices.
    response = client.post(CREATE, {**data, "area": city.communities[1].pk, "valid_until": "2025-01-01"})
    assert set(response.context["form"].errors) == {"area"}
    assert Agreement.objects.count() == 1


def test_an_agreement_ending_before_it_starts_is_refused_on_the_page(city, as_user):
    response = as_user(city.users["street"]).post(
        CREATE,
        {
            "area": city.streets[0].pk,
            "partner_unit": city.partner_units[0].pk,
            "title": "共建协议",
            "signed_on": "2026-01-01",
            "valid_from": "2026-06-01",
            "valid_until": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "valid_until" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_the_detail_page_shows_the_three_lists_and_the_timeline(city, as_user, agreement):
    services.resource_add(actor=None, agreement=agreement, title="场地共享", kind="venue")
    services.need_add(actor=None, agreement=agreement, title="青少年暑期托管")
    services.project_add(actor=None, agreement=agreement, title="老旧小区加装电梯")
    response = as_user(city.users["community"]).get(detail(agreement))
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "场地共享",
        "青少年暑期托管",
        "老旧小区加装电梯",
        'data-testid="take"',
        'data-testid="terminate"',
    ):
        assert text in content
    assert len(response.context["events"]) == 4


def test_a_viewer_sees_the_agreement_without_its_forms(city, as_user, agreement):
    services.need_add(actor=None, agreement=agreement, title="青少年暑期托管")
    response = as_user(city.users["auditor"]).get(detail(agreement))
    assert response.status_code == 200
    assert not response.context["may_change"]
    assert 'data-testid="take"' not in response.content.decode()


def test_an_agreement_out_of_scope_is_not_found(city, as_user, agreement, elsewhere):
    client = as_user(city.users["community"])
    assert client.get(detail(elsewhere)).status_code == 404
    need = services.need_add(actor=None, agreement=elsewhere, title="助餐")
    response = client.post(
        reverse("cobuilding:need_take", args=[need.pk]), {"partner_unit": city.partner_units[1].pk}
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("cobuilding:need_add", args=[elsewhere.pk]), {"need-title": "x"}).status_code
        == 404
    )
    need.refresh_from_db()
    assert need.state == NeedState.OPEN
    assert Need.objects.count() == 1


def test_a_viewer_may_not_write(city, as_user, agreement):
    need = services.need_add(actor=None, agreement=agreement, title="助餐")
    client = as_user(city.users["auditor"])
    response = client.post(
        reverse("cobuilding:need_take", args=[need.pk]), {"partner_unit": city.partner_units[0].pk}
    )
    assert response.status_code == 403
    assert client.post(reverse("cobuilding:resource_add", args=[agreement.pk]), {}).status_code == 403
    need.refresh_from_db()
    assert need.state == NeedState.OPEN


def test_the_detail_page_costs_the_same_queries_for_few_and_many_rows(
    city, as_user, agreement, django_assert_num_queries
):
    def add(count):
        for n in range(count):
            services.resource_add(actor=None, agreement=agreement, title=f"资源{n}", kind="goods")
            need = services.need_add(actor=None, agreement=agreement, title=f"需求{n}")
            services.need_add(actor=None, agreement=agreement, title=f"开放需求{n}")
            services.need_take(actor=None, need=need, partner_unit=city.partner_units[0])
            services.project_add(actor=None, agreement=agreement, title=f"项目{n}")

    client = as_user(city.users["community"])
    add(2)
    with django_assert_num_queries(13):
        client.get(detail(agreement))
    add(10)
    with django_assert_num_queries(13):
        client.get(detail(agreement))


def test_taking_and_fulfilling_a_need_on_the_page(city, as_user, agreement):
    need = services.need_add(actor=None, agreement=agreement, title="助餐")
    client = as_user(city.users["community"])
    take = reverse("cobuilding:need_take", args=[need.pk])
    response = client.post(take, {"partner_unit": city.partner_units[0].pk})
    assert response.status_code == 302
    assert response.url == detail(agreement)
    need.refresh_from_db()
    assert (need.state, need.taken_by, need.taken_by_user) == (
        NeedState.TAKEN,
        city.partner_units[0],
        city.users["community"],
    )
    # Taking it again: an error on the agreement page, nothing changed.
    response = client.post(take, {"partner_unit": city.partner_units[0].pk}, follow=True)
    assert "only an open need can be taken" in response.content.decode()
    fulfil = reverse("cobuilding:need_fulfil", args=[need.pk])
    client.post(fulfil, {"note": ""})
    need.refresh_from_db()
    assert need.state == NeedState.TAKEN
    client.post(fulfil, {"note": "每周配送午餐"})
    need.refresh_from_db()
    assert (need.state, need.fulfilment_note) == (NeedState.FULFILLED, "每周配送午餐")


def test_a_unit_without_an_agreement_cannot_be_chosen_to_take(city, as_user, agreement):
    need = services.need_add(actor=None, agreement=agreement, title="助餐")
    outsider = unit_in(city.communities[0])
    response = as_user(city.users["community"]).post(
        reverse("cobuilding:need_take", args=[need.pk]), {"partner_unit": outsider.pk}, follow=True
    )
    assert response.status_code == 200
    need.refresh_from_db()
    assert need.state == NeedState.OPEN


def test_adding_to_the_lists_on_the_page(city, as_user, agreement):
    client = as_user(city.users["party"])
    client.post(
        reverse("cobuilding:resource_add", args=[agreement.pk]),
        {"resource-title": "党员志愿者", "resource-kind": "volunteers", "resource-quantity": "20人"},
    )
    client.post(
        reverse("cobuilding:need_add", args=[agreement.pk]), {"need-title": "助餐", "need-needed_by": ""}
    )
    client.post(reverse("cobuilding:project_add", args=[agreement.pk]), {"project-title": "加装电梯"})
    assert Resource.objects.get().quantity == "20人"
    assert Need.objects.get().title == "助餐"
    project = JointProject.objects.get()
    response = client.post(reverse("cobuilding:need_add", args=[agreement.pk]), {"need-title": ""})
    assert response.status_code == 200
    assert response.context["need_form"].errors["title"]
    assert Need.objects.count() == 1
    client.post(reverse("cobuilding:project_status", args=[project.pk]), {"status": "underway", "note": ""})
    project.refresh_from_db()
    assert project.status == ProjectStatus.UNDERWAY


def test_terminating_on_the_page(city, as_user, agreement):
    client = as_user(city.users["street"])
    url = reverse("cobuilding:agreement_terminate", args=[agreement.pk])
    response = client.post(url, {"terminate-reason": ""})
    assert response.status_code == 200
    assert response.context["terminate_form"].errors
    client.post(url, {"terminate-reason": "单位搬迁"})
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.TERMINATED


# Rounds of the two-way evaluation


def test_community_workers_see_the_round_of_their_street_only(city, as_user):
    mine = open_round(city.streets[0])
    other = open_round(city.streets[1])
    client = as_user(city.users["community"])
    response = client.get(ROUNDS)
    assert [row.pk for row in response.context["page_obj"]] == [mine.pk]
    assert client.get(reverse("cobuilding:round_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("cobuilding:round_detail", args=[other.pk])).status_code == 404


def test_opening_a_round_on_the_page(city, as_user):
    client = as_user(city.users["street"])
    url = reverse("cobuilding:round_create")
    assert client.get(url).status_code == 200
    data = {
        "area": city.streets[0].pk,
        "year": today().year,
        "opens_on": "2026-12-01",
        "closes_on": "2026-11-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "closes_on" in response.context["form"].errors
    response = client.post(url, {**data, "closes_on": "2027-01-15"})
    assert response.status_code == 302
    assert EvaluationRound.objects.get().closes_on.isoformat() == "2027-01-15"
    assert as_user(city.users["community"]).get(url).context["form"].fields["area"].queryset.count() == 0


def test_recording_an_evaluation_and_reading_the_results(city, as_user, agreement):
    evaluation_round = open_round(city.streets[0])
    client = as_user(city.users["community"])
    url = reverse("cobuilding:evaluation_record", args=[evaluation_round.pk])
    data = {"agreement": agreement.pk, "direction": Direction.AREA_RATES_UNIT, "score": 92, "comment": "好"}
    assert client.post(url, data).status_code == 302
    client.post(url, {**data, "direction": Direction.UNIT_RATES_AREA, "score": 70})
    response = client.get(reverse("cobuilding:round_detail", args=[evaluation_round.pk]))
    assert [(r.name, r.average, r.grade) for r in response.context["unit_results"]] == [
        (city.partner_units[0].name, 92.0, "excellent")
    ]
    assert [(r.name, r.average) for r in response.context["area_results"]] == [
        (city.communities[0].name, 70.0)
    ]
    # A score out of range and the same side twice: form errors, nothing written.
    response = client.post(url, {**data, "score": 101})
    assert response.status_code == 200
    assert "score" in response.context["form"].errors
    response = client.post(url, data)
    assert response.status_code == 200
    assert "direction" in response.context["form"].errors
    assert Evaluation.objects.count() == 2


def test_outside_the_window_the_form_is_disabled_and_a_post_is_refused(city, as_user, agreement):
    evaluation_round = open_round(city.streets[0], opens_on=today() + 5 * DAY, closes_on=today() + 20 * DAY)
    client = as_user(city.users["community"])
    response = client.get(reverse("cobuilding:round_detail", args=[evaluation_round.pk]))
    content = response.content.decode()
    assert 'data-testid="closed-notice"' in content
    assert "<fieldset disabled>" in content
    response = client.post(
        reverse("cobuilding:evaluation_record", args=[evaluation_round.pk]),
        {"agreement": agreement.pk, "direction": Direction.AREA_RATES_UNIT, "score": 90},
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any(evaluation_round.opens_on.isoformat() in error for error in errors)
    assert not Evaluation.objects.exists()


def test_an_agreement_of_another_community_cannot_be_rated_by_a_community_worker(city, as_user):
    evaluation_round = open_round(city.streets[0])
    theirs = agree(city.communities[1], city.partner_units[0])
    response = as_user(city.users["community"]).post(
        reverse("cobuilding:evaluation_record", args=[evaluation_round.pk]),
        {"agreement": theirs.pk, "direction": Direction.AREA_RATES_UNIT, "score": 90},
    )
    assert response.status_code == 200
    assert "agreement" in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_the_round_page_costs_the_same_queries_for_few_and_many_evaluations(
    city, as_user, django_assert_num_queries
):
    evaluation_round = open_round(city.streets[0])
    street = worker_of(city.streets[0], "street2", "street_staff")

    def rate(count, start):
        for n in range(start, start + count):
            unit = unit_in(city.streets[0], f"单位{n}")
            row = agree(city.communities[n % 2], unit)
            for direction in Direction.values:
                services.evaluation_record(
                    actor=None,
                    evaluation_round=evaluation_round,
                    agreement=row,
                    direction=direction,
                    score=60 + n,
                )

    client = as_user(street)
    rate(2, 0)
    with django_assert_num_queries(13):
        client.get(reverse("cobuilding:round_detail", args=[evaluation_round.pk]))
    rate(8, 2)
    with django_assert_num_queries(13):
        client.get(reverse("cobuilding:round_detail", args=[evaluation_round.pk]))
