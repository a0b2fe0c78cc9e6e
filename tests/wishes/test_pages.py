"""The micro wish pages through the real views: the list tab, posting, the detail with its actions, and
the public wish wall."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.wishes.choices import WishState
from apps.wishes.models import MicroWish, WishEvent
from apps.wishes.services import wish_claim, wish_fulfil

from .support import post, worker_of

pytestmark = pytest.mark.django_db
LIST = reverse("wishes:list")
CREATE = reverse("wishes:create")


def detail(wish) -> str:
    return reverse("wishes:detail", args=[wish.pk])


def act(wish, action: str) -> str:
    return reverse("wishes:act", args=[wish.pk, action])


def residents(response) -> list[str]:
    return [wish.resident_shown for wish in response.context["page_obj"]]


def test_the_list_shows_full_names_to_the_community_and_masked_ones_to_viewers(city, as_user):
    wish = post(city)
    response = as_user(city.users["community"]).get(LIST)
    assert response.status_code == 200
    assert residents(response) == ["张三丰"]
    assert "张三丰" in response.content.decode()
    response = as_user(city.users["auditor"]).get(LIST)
    assert residents(response) == ["张**"]
    page = response.content.decode()
    assert "张三丰" not in page
    assert wish.title in page


def test_the_list_is_scoped(city, as_user):
    post(city)
    assert residents(as_user(worker_of(city.communities[1])).get(LIST)) == []
    assert as_user(city.users["dept"]).get(LIST).status_code == 403


def test_the_list_filters_by_state_overdue_and_text(city, as_user):
    worker = city.users["community"]
    radio = post(city)
    claimed = wish_claim(actor=worker, wish=post(city, title="轮椅维修"), member=city.members[0])
    late = post(city, title="陪同就医")
    MicroWish.objects.filter(pk=late.pk).update(claim_by=timezone.localdate() - datetime.timedelta(days=1))
    client = as_user(worker)

    def titles(**params):
        return {wish.title for wish in client.get(LIST, params).context["page_obj"]}

    assert titles() == {radio.title, claimed.title, late.title}
    assert titles(state="claimed") == {claimed.title}
    assert titles(overdue="on") == {late.title}
    assert titles(q="轮椅") == {claimed.title}
    response = client.get(LIST, {"overdue": "on"})
    assert 'data-testid="wish-overdue"' in response.content.decode()


def test_the_list_costs_the_same_whatever_the_page_holds(city, as_user, django_assert_num_queries):
    worker = city.users["community"]
    client = as_user(worker)
    post(city)
    client.get(LIST)  # warms the session
    with django_assert_num_queries(8) as one:
        client.get(LIST)
    for n in range(6):
        wish = post(city, title=f"心愿{n}", area=city.grids[n % 2])
        if n % 2:
            wish_claim(actor=worker, wish=wish, member=city.members[0])
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == 7


def test_posting_a_wish(city, as_user):
    client = as_user(city.users["community"])
    assert client.get(CREATE).status_code == 200
    data = {
        "area": city.grids[0].pk,
        "title": "助听器",
        "description": "听力下降",
        "category": "health_and_care",
        "resident_name": "李四",
        "consent": "on",
    }
    response = client.post(CREATE, data)
    wish = MicroWish.objects.get()
    assert response.status_code == 302
    assert response.url == detail(wish)
    assert (wish.area, wish.resident_name, wish.state) == (city.grids[0], "李四", WishState.POSTED)


def test_posting_without_consent_shows_the_error_and_saves_nothing(city, as_user):
    client = as_user(city.users["community"])
    data = {"area": city.communities[0].pk, "title": "助听器", "category": "other", "resident_name": "李四"}
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert not MicroWish.objects.exists()


def test_posting_needs_cogov_change_and_an_area_in_reach(city, as_user):
    assert as_user(city.users["gridworker"]).get(CREATE).status_code == 403
    client = as_user(city.users["community"])
    data = {
        "area": city.communities[1].pk,
        "title": "x",
        "category": "other",
        "resident_name": "李四",
        "consent": "on",
    }
    response = client.post(CREATE, data)
    assert "area" in response.context["form"].errors
    assert not MicroWish.objects.exists()


def test_the_detail_shows_the_timeline_and_the_actions_of_the_state(city, as_user):
    wish = post(city)
    response = as_user(city.users["community"]).get(detail(wish))
    assert response.status_code == 200
    assert set(response.context["forms"]) == {"claim", "withdraw"}
    assert response.context["resident_shown"] == "张三丰"
    page = response.content.decode()
    assert 'data-testid="wish-timeline"' in page
    assert city.members[0].name in page  # a claimant to choose


def test_a_viewer_sees_the_detail_masked_and_without_actions(city, as_user):
    wish = post(city)
    client = as_user(city.users["auditor"])
    response = client.get(detail(wish))
    assert response.context["forms"] == {}
    assert response.context["resident_shown"] == "张**"
    assert "张三丰" not in response.content.decode()
    assert client.post(act(wish, "withdraw"), {"withdraw-reason": "x"}).status_code == 403
    assert MicroWish.objects.get(pk=wish.pk).state == WishState.POSTED


def test_a_wish_of_another_community_is_not_found(city, as_user):
    wish = post(city)
    client = as_user(worker_of(city.communities[1]))
    assert client.get(detail(wish)).status_code == 404
    assert client.post(act(wish, "withdraw"), {"withdraw-reason": "x"}).status_code == 404
    assert as_user(city.users["community"]).post(act(wish, "nonsense")).status_code == 404


def test_claiming_and_fulfilling_through_the_page(city, as_user):
    wish = post(city)
    client = as_user(city.users["community"])
    response = client.post(
        act(wish, "claim"), {"claim-kind": "member", "claim-member": city.members[0].pk, "claim-note": "我来"}
    )
    assert response.status_code == 302
    wish.refresh_from_db()
    assert (wish.state, wish.member) == (WishState.CLAIMED, city.members[0])
    response = client.get(detail(wish))
    assert set(response.context["forms"]) == {"fulfil", "withdraw"}
    assert response.context["events"].count() == 2
    assert client.post(act(wish, "fulfil"), {"fulfil-note": "修好了"}).status_code == 302
    assert MicroWish.objects.get(pk=wish.pk).state == WishState.FULFILLED


def test_claiming_an_already_claimed_wish_on_the_page_says_so(city, as_user):
    worker = city.users["community"]
    wish = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    client = as_user(worker)
    response = client.post(
        act(wish, "claim"), {"claim-kind": "organisation", "claim-organisation": city.organisations[2].pk}
    )
    assert response.status_code == 302
    assert any("already claimed" in str(message) for message in get_messages(response.wsgi_request))
    wish.refresh_from_db()
    assert (wish.member, wish.organisation) == (city.members[0], None)
    assert WishEvent.objects.filter(wish=wish).count() == 2


def test_confirming_a_wish_not_fulfilled_on_the_page_changes_nothing(city, as_user):
    wish = post(city)
    response = as_user(city.users["community"]).post(act(wish, "confirm"), {})
    assert response.status_code == 302
    assert any("Only a fulfilled wish" in str(m) for m in get_messages(response.wsgi_request))
    assert MicroWish.objects.get(pk=wish.pk).state == WishState.POSTED


def test_a_claim_form_without_a_claimant_comes_back_with_the_error(city, as_user):
    wish = post(city)
    response = as_user(city.users["community"]).post(act(wish, "claim"), {"claim-kind": "member"})
    assert response.status_code == 400
    assert "member" in response.context["forms"]["claim"].errors
    assert MicroWish.objects.get(pk=wish.pk).state == WishState.POSTED


def test_the_wall_shows_unclaimed_wishes_masked_to_anyone(city, client, django_assert_num_queries):
    worker = city.users["community"]
    open_wish = post(city, area=city.buildings[0], description="每天听新闻")
    claimed = wish_claim(actor=worker, wish=post(city, title="轮椅维修"), member=city.members[0])
    done = wish_fulfil(
        actor=worker,
        wish=wish_claim(actor=worker, wish=post(city, title="助听器"), member=city.members[0]),
        note="送到了",
    )
    elsewhere = post(city, area=city.communities[1], actor=city.users["street"], title="别处的心愿")
    url = reverse("wishes:wall", args=[city.communities[0].code])
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert [wish.pk for wish in response.context["page_obj"]] == [open_wish.pk]
    assert open_wish.title in page
    assert "每天听新闻" in page
    assert "张**" in page
    assert "张三丰" not in page
    for hidden in (claimed.title, done.title, elsewhere.title, city.members[0].name):
        assert hidden not in page


def test_the_wall_of_an_unknown_place_is_not_found(city, client):
    assert client.get(reverse("wishes:wall", args=["nowhere"])).status_code == 404
    assert client.get(reverse("wishes:wall", args=[city.grids[0].code])).status_code == 404


def test_the_admin_shows_wishes_read_only_with_the_timeline(city, client, superuser):
    wish = wish_claim(actor=city.users["community"], wish=post(city), member=city.members[0])
    client.force_login(superuser)
    assert client.get(reverse("admin:wishes_microwish_changelist")).status_code == 200
    response = client.get(reverse("admin:wishes_microwish_change", args=[wish.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "张**" in page
    assert "张三丰" not in page
    assert client.get(reverse("admin:wishes_microwish_add")).status_code == 403


def test_an_overdue_wish_is_flagged_on_its_page(city, as_user):
    wish = post(city)
    MicroWish.objects.filter(pk=wish.pk).update(claim_by=timezone.localdate() - datetime.timedelta(days=2))
    response = as_user(city.users["auditor"]).get(detail(wish))
    assert 'data-testid="wish-overdue"' in response.content.decode()
