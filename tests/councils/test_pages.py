"""The council pages: the meeting list (the party navigation's councils tab), recording a meeting, the
meeting with its follow-ups, and council tasks; scoped, with pinned query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cases.choices import Channel
from apps.cases.models import Case
from apps.councils.choices import FollowUp, TaskState
from apps.councils.models import Meeting, Resolution, Task, Topic
from apps.councils.services import resolution_make_case, task_complete

from .support import a_meeting, a_resolution, a_task, in_days

pytestmark = pytest.mark.django_db

MEETINGS = reverse("councils:meeting_list")
NEW = reverse("councils:meeting_create")
TASKS = reverse("councils:task_list")


def _errors(response) -> dict:
    return response.context["form"].errors


def test_the_meeting_list_shows_the_users_meetings_only(city, as_user, outsider):
    mine = a_meeting(city, title="本社区议事")
    a_meeting(city, title="隔壁社区议事", area=city.communities[1], actor=outsider)
    response = as_user(city.users["party"]).get(MEETINGS)
    assert response.status_code == 200
    assert [meeting.pk for meeting in response.context["page_obj"]] == [mine.pk]
    assert "本社区议事" in response.content.decode()
    # Scopes reach down: a grid worker sees the meetings of the grid, not those of the community.
    grid_meeting = a_meeting(city, title="网格夜话", area=city.grids[0])
    listed = as_user(city.users["gridworker"]).get(MEETINGS).context["page_obj"]
    assert [meeting.pk for meeting in listed] == [grid_meeting.pk]


def test_the_meeting_list_filters_by_kind_text_and_dates(city, as_user):
    old = a_meeting(
        city, title="加装电梯", kind="residents", held_at=timezone.now() - datetime.timedelta(days=40)
    )
    new = a_meeting(city, title="垃圾分类", kind="night_talk", place="中心花园")
    client = as_user(city.users["community"])

    def listed(**params):
        return {meeting.pk for meeting in client.get(MEETINGS, params).context["page_obj"]}

    assert listed(kind="residents") == {old.pk}
    assert listed(q="花园") == {new.pk}
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert listed(held_from=since) == {new.pk}
    assert listed(held_to=since) == {old.pk}


def test_pages_need_a_council_role(city, as_user):
    client = as_user(city.users["dept"])
    assert client.get(MEETINGS).status_code == 403
    assert client.get(TASKS).status_code == 403
    assert as_user(city.users["gridworker"]).get(NEW).status_code == 403


def test_the_meeting_list_costs_the_same_queries(city, as_user, django_assert_num_queries):
    client = as_user(city.users["community"])
    for n in range(5):
        a_meeting(city, title=f"会议{n}")
    with django_assert_num_queries(8):
        assert len(client.get(MEETINGS).context["page_obj"]) == 5
    for n in range(5, 30):
        a_resolution(city, a_meeting(city, title=f"会议{n}"))
    with django_assert_num_queries(8):
        assert len(client.get(MEETINGS).context["page_obj"]) == 30


def test_recording_a_meeting(city, as_user):
    client = as_user(city.users["community"])
    data = {
        "area": city.communities[0].pk,
        "kind": "party_masses",
        "title": "小区停车难问题",
        "held_at": "2026-01-05T19:00",
        "place": "党群服务中心",
        "host": "张书记",
        "participants": "王芳，居民代表\n李强 物业公司\n\n赵敏",
        "minutes": "讨论了停车问题",
    }
    response = client.post(NEW, data)
    meeting = Meeting.objects.get(title="小区停车难问题")
    assert response.status_code == 302
    assert response.url == reverse("councils:meeting_detail", args=[meeting.pk])
    assert meeting.participants == [
        {"name": "王芳", "role": "居民代表"},
        {"name": "李强", "role": "物业公司"},
        {"name": "赵敏", "role": ""},
    ]


def test_a_meeting_without_participants_shows_the_error_and_records_nothing(city, as_user):
    client = as_user(city.users["community"])
    before = Meeting.objects.count()
    response = client.post(
        NEW,
        {"area": city.communities[0].pk, "kind": "residents", "title": "议事", "held_at": "2026-01-05T19:00"},
    )
    assert response.status_code == 200
    assert "participants" in _errors(response)
    assert Meeting.objects.count() == before


def test_the_area_choices_are_the_users_council_levels(city, as_user, outsider):
    response = as_user(city.users["community"]).post(
        NEW,
        {
            "area": city.communities[1].pk,
            "kind": "residents",
            "title": "越界",
            "held_at": "2026-01-05T19:00",
            "participants": "王芳",
        },
    )
    assert "area" in _errors(response)
    assert not Meeting.objects.filter(title="越界").exists()


def test_the_meeting_shows_its_follow_ups_with_the_live_case_status(city, as_user):
    meeting = a_meeting(city)
    task = a_task(city)
    task.resolution.meeting = meeting
    task.resolution.save()
    resolution = a_resolution(city, meeting, text="物业整改")
    case = resolution_make_case(
        actor=city.users["community"],
        resolution=resolution,
        category=city.categories[1],
        owner=city.users["party"],
        deadline=in_days(20),
    )
    a_resolution(city, meeting, text="暂缓讨论", outcome="deferred")
    response = as_user(city.users["auditor"]).get(reverse("councils:meeting_detail", args=[meeting.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("councils:task_detail", args=[task.pk]) in page
    assert reverse("cases:detail", args=[case.pk]) in page
    assert case.serial in page
    assert case.get_status_display() in page
    assert "王芳" in page
    # An auditor sees the meeting but may not change it: no forms, no follow-up buttons.
    assert response.context["topic_form"] is None
    assert reverse("councils:resolution_task", args=[resolution.pk]) not in page


def test_a_meeting_out_of_scope_is_not_found(city, as_user, outsider):
    meeting = a_meeting(city)
    client = as_user(outsider)
    assert client.get(reverse("councils:meeting_detail", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("councils:topic_add", args=[meeting.pk]), {"title": "x"}).status_code == 404
    resolution = a_resolution(city, meeting)
    assert client.get(reverse("councils:resolution_task", args=[resolution.pk])).status_code == 404


def test_adding_topics_and_resolutions_on_the_meeting(city, as_user):
    meeting = a_meeting(city)
    client = as_user(city.users["party"])
    response = client.post(
        reverse("councils:topic_add", args=[meeting.pk]), {"title": "夜间停车", "raised_by": "居民"}
    )
    assert response.status_code == 302
    topic = Topic.objects.get(meeting=meeting)
    response = client.post(
        reverse("councils:resolution_add", args=[meeting.pk]),
        {"topic": topic.pk, "text": "增设车位", "outcome": "adopted"},
    )
    assert response.status_code == 302
    assert Resolution.objects.get(meeting=meeting).topic == topic
    response = client.post(
        reverse("councils:resolution_add", args=[meeting.pk]), {"text": "", "outcome": "adopted"}
    )
    assert response.status_code == 200
    assert "text" in _errors(response)
    auditor = as_user(city.users["auditor"])
    assert auditor.post(reverse("councils:topic_add", args=[meeting.pk]), {"title": "x"}).status_code == 403


def test_making_a_task_from_the_page(city, as_user):
    resolution = a_resolution(city)
    client = as_user(city.users["community"])
    url = reverse("councils:resolution_task", args=[resolution.pk])
    page = client.get(url)
    assert city.users["gridworker"] in page.context["form"].fields["owner"].queryset
    missing = client.post(url, {"area": city.communities[0].pk, "title": "施划标线"})
    assert {"owner", "deadline"} <= set(_errors(missing))
    assert not Task.objects.filter(resolution=resolution).exists()
    response = client.post(
        url,
        {
            "area": city.grids[0].pk,
            "title": "施划标线",
            "owner": city.users["gridworker"].pk,
            "deadline": in_days(7).isoformat(),
        },
    )
    task = Task.objects.get(resolution=resolution)
    assert response.url == reverse("councils:task_detail", args=[task.pk])
    assert (task.owner, task.area) == (city.users["gridworker"], city.grids[0])


def test_reporting_a_case_from_the_page_and_not_twice(city, as_user):
    resolution = a_resolution(city)
    client = as_user(city.users["community"])
    url = reverse("councils:resolution_case", args=[resolution.pk])
    data = {
        "area": city.communities[0].pk,
        "category": city.categories[1].pk,
        "urgency": "normal",
        "owner": city.users["party"].pk,
        "deadline": in_days(30).isoformat(),
    }
    assert client.post(url, data).status_code == 302
    resolution.refresh_from_db()
    assert resolution.follow_up == FollowUp.CASE
    assert resolution.case.channel == Channel.COUNCIL
    before = Case.objects.count()
    again = client.post(url, data)
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()
    assert Case.objects.count() == before


def test_the_task_list_mine_overdue_and_done(city, as_user):
    mine = a_task(city, owner=city.users["gridworker"], area=city.grids[0], deadline=in_days(3))
    theirs = a_task(city, owner=city.users["community"], deadline=in_days(3))
    late = a_task(city, owner=city.users["community"], deadline=in_days(1))
    Task.objects.filter(pk=late.pk).update(deadline=in_days(-2))
    done = a_task(city)
    task_complete(actor=city.users["community"], task=done, report="完成")
    client = as_user(city.users["community"])

    def listed(**params):
        return {task.pk for task in client.get(TASKS, params).context["page_obj"]}

    assert listed() == {mine.pk, theirs.pk, late.pk}
    assert listed(mine="on") == {theirs.pk, late.pk}
    assert listed(show="overdue") == {late.pk}
    assert listed(show="done") == {done.pk}
    assert listed(show="all", q="夜间") == {mine.pk, theirs.pk, late.pk, done.pk}
    client = as_user(city.users["gridworker"])
    assert listed(mine="on") == {mine.pk}
    assert as_user(outsider_of(city)).get(TASKS).context["page_obj"].object_list.count() == 0


def outsider_of(city):
    from apps.accounts.roles import Role
    from apps.accounts.services import role_grant, user_create

    user = user_create(username="faraway", password="Grid-Test-Passw0rd")
    role_grant(actor=None, user=user, role=Role.COMMUNITY_WORKER, area=city.communities[2])
    return user


def test_the_task_list_costs_the_same_queries(city, as_user, django_assert_num_queries):
    client = as_user(city.users["community"])
    for _n in range(5):
        a_task(city)
    with django_assert_num_queries(8):
        assert len(client.get(TASKS).context["page_obj"]) == 5
    for _n in range(25):
        a_task(city)
    with django_assert_num_queries(8):
        assert len(client.get(TASKS).context["page_obj"]) == 30


def test_the_owner_completes_the_task_on_its_page(city, as_user):
    task = a_task(city, owner=city.users["gridworker"], area=city.grids[0])
    client = as_user(city.users["gridworker"])
    url = reverse("councils:task_detail", args=[task.pk])
    page = client.get(url)
    assert page.context["may_complete"]
    assert not page.context["may_cancel"]
    empty = client.post(reverse("councils:task_complete", args=[task.pk]), {"report": ""})
    assert empty.status_code == 200
    assert "report" in _errors(empty)
    response = client.post(reverse("councils:task_complete", args=[task.pk]), {"report": "已完成"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE
    timeline = client.get(url)
    assert [event.action for event in timeline.context["events"]] == ["create", "complete"]
    assert client.post(reverse("councils:task_cancel", args=[task.pk]), {"reason": "x"}).status_code == 200
    task.refresh_from_db()
    assert task.state == TaskState.DONE


def test_a_task_out_of_scope_is_not_found(city, as_user, outsider):
    task = a_task(city)
    client = as_user(outsider)
    assert client.get(reverse("councils:task_detail", args=[task.pk])).status_code == 404
    assert client.post(reverse("councils:task_complete", args=[task.pk]), {"report": "x"}).status_code == 404


def test_staff_see_the_forms_and_follow_up_buttons(city, as_user):
    resolution = a_resolution(city)
    client = as_user(city.users["community"])
    response = client.get(reverse("councils:meeting_detail", args=[resolution.meeting_id]))
    page = response.content.decode()
    assert reverse("councils:topic_add", args=[resolution.meeting_id]) in page
    assert reverse("councils:resolution_task", args=[resolution.pk]) in page
    assert reverse("councils:resolution_case", args=[resolution.pk]) in page
    assert client.get(NEW).status_code == 200
    case_form = client.get(reverse("councils:resolution_case", args=[resolution.pk]))
    assert city.categories[1] in case_form.context["form"].fields["category"].queryset


def test_the_admin_pages_open(city, client, superuser):
    task = a_task(city)
    client.force_login(superuser)
    for name, pk in (
        ("meeting", task.resolution.meeting_id),
        ("resolution", task.resolution_id),
        ("task", task.pk),
    ):
        assert client.get(reverse(f"admin:councils_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:councils_{name}_change", args=[pk])).status_code == 200
