"""The council API: meetings with their topics and resolutions, follow-ups as tasks or cases, council
tasks; restricted like the pages, bad input a 400 that changes nothing."""

import pytest
from django.urls import reverse

from apps.cases.models import Case
from apps.councils.choices import FollowUp, TaskState
from apps.councils.models import Meeting, Resolution, Task
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids

from .support import a_meeting, a_resolution, a_task, in_days

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/party/meetings/"
TASKS = "/api/v1/party/council-tasks/"


def _resolution_url(resolution, what: str) -> str:
    return f"/api/v1/party/resolutions/{resolution.pk}/{what}/"


def test_the_routes_have_the_api_names():
    assert reverse("api:party/meetings-detail", args=[1]) == "/api/v1/party/meetings/1/"
    assert reverse("api:party/resolutions-detail", args=[1]) == "/api/v1/party/resolutions/1/"
    assert reverse("api:party/council-tasks-detail", args=[1]) == "/api/v1/party/council-tasks/1/"


def test_meetings_are_listed_in_scope_and_filtered(city, outsider):
    mine = a_meeting(city, kind="night_talk", title="垃圾分类投放点调整")
    theirs = a_meeting(city, area=city.communities[1], actor=outsider)
    api = api_as(city.users["community"])
    assert ids(api.get(MEETINGS)) == {mine.pk}
    assert ids(api_as(city.users["street"]).get(MEETINGS)) == {mine.pk, theirs.pk}
    assert ids(api_as(city.users["street"]).get(MEETINGS, {"kind": "night_talk"})) == {mine.pk}
    assert ids(api_as(city.users["street"]).get(MEETINGS, {"q": "垃圾"})) == {mine.pk}
    row = api.get(MEETINGS).json()["results"][0]
    assert list(row)[:3] == ["id", "url", "display"]
    assert api.get(f"{MEETINGS}{theirs.pk}/").status_code == 404


def test_the_meeting_list_costs_the_same_queries(city, django_assert_num_queries):
    for n in range(50):
        a_meeting(city, title=f"会议{n}")
    assert_list_cost(django_assert_num_queries, api_as(city.users["community"]), MEETINGS, 4)


def test_recording_a_meeting_with_topics_and_resolutions(city):
    api = api_as(city.users["community"])
    response = api.post(
        MEETINGS,
        {
            "area": city.communities[0].pk,
            "kind": "residents",
            "title": "加装电梯意见征集",
            "held_at": "2026-01-05T19:00:00+08:00",
            "participants": [{"name": "王芳", "role": "居民代表"}, {"name": "李强"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.participants == [{"name": "王芳", "role": "居民代表"}, {"name": "李强", "role": ""}]
    topic = api.post(f"{MEETINGS}{meeting.pk}/topics/", {"title": "费用分摊"}, format="json")
    assert topic.status_code == 201
    resolution = api.post(
        f"{MEETINGS}{meeting.pk}/resolutions/",
        {"topic": topic.json()["id"], "text": "按楼层分摊", "outcome": "adopted"},
        format="json",
    )
    assert resolution.status_code == 201, resolution.json()
    detail = api.get(f"{MEETINGS}{meeting.pk}/").json()
    assert [t["title"] for t in detail["topics"]] == ["费用分摊"]
    assert [(r["text"], r["follow_up"]) for r in detail["resolutions"]] == [("按楼层分摊", "none")]


def test_a_meeting_without_participants_is_a_400_that_records_nothing(city):
    before = Meeting.objects.count()
    response = api_as(city.users["community"]).post(
        MEETINGS,
        {
            "area": city.communities[0].pk,
            "kind": "residents",
            "title": "议事",
            "held_at": "2026-01-05T19:00:00+08:00",
            "participants": [],
        },
        format="json",
    )
    assert "participants" in fields_of(response)
    assert Meeting.objects.count() == before


def test_another_meetings_topic_is_not_a_valid_choice(city):
    meeting, other = a_meeting(city), a_resolution(city).meeting
    other_topic = other.topics.get()
    response = api_as(city.users["community"]).post(
        f"{MEETINGS}{meeting.pk}/resolutions/", {"topic": other_topic.pk, "text": "决议"}, format="json"
    )
    assert "topic" in fields_of(response)
    assert not Resolution.objects.filter(meeting=meeting).exists()


def test_writes_need_council_change(city):
    meeting = a_meeting(city)
    api = api_as(city.users["auditor"])
    assert api.post(f"{MEETINGS}{meeting.pk}/topics/", {"title": "x"}, format="json").status_code == 403


def test_a_resolution_becomes_a_task_once(city):
    resolution = a_resolution(city)
    api = api_as(city.users["community"])
    body = {
        "owner": city.users["gridworker"].pk,
        "deadline": in_days(7).isoformat(),
        "area": city.grids[0].pk,
    }
    response = api.post(_resolution_url(resolution, "task"), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == TaskState.OPEN
    again = api.post(_resolution_url(resolution, "task"), body, format="json")
    assert again.status_code == 400
    assert Task.objects.filter(resolution=resolution).count() == 1


def test_a_task_without_owner_or_deadline_is_a_400(city, outsider):
    resolution = a_resolution(city)
    api = api_as(city.users["community"])
    assert set(fields_of(api.post(_resolution_url(resolution, "task"), {}, format="json"))) == {
        "owner",
        "deadline",
    }
    # Someone the requester cannot see answers like a missing id.
    far = api_as(city.users["community"]).post(
        _resolution_url(resolution, "task"),
        {"owner": 999999, "deadline": in_days(3).isoformat()},
        format="json",
    )
    assert "owner" in fields_of(far)
    assert not Task.objects.filter(resolution=resolution).exists()


def test_a_resolution_becomes_one_council_case(city):
    resolution = a_resolution(city)
    api = api_as(city.users["community"])
    body = {
        "category": city.categories[1].pk,
        "owner": city.users["party"].pk,
        "deadline": in_days(30).isoformat(),
    }
    response = api.post(_resolution_url(resolution, "case"), body, format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.channel == "council"
    before = Case.objects.count()
    assert api.post(_resolution_url(resolution, "case"), body, format="json").status_code == 400
    assert Case.objects.count() == before
    shown = api.get(f"/api/v1/party/resolutions/{resolution.pk}/").json()
    assert (shown["follow_up"], shown["case"], shown["case_serial"], shown["case_status"]) == (
        FollowUp.CASE,
        case.pk,
        case.serial,
        case.status,
    )


def test_resolutions_out_of_scope_are_not_found(city, outsider):
    resolution = a_resolution(city)
    api = api_as(outsider)
    assert api.get(f"/api/v1/party/resolutions/{resolution.pk}/").status_code == 404
    response = api.post(
        _resolution_url(resolution, "task"),
        {"owner": outsider.pk, "deadline": in_days(3).isoformat()},
        format="json",
    )
    assert response.status_code == 404
    assert not Task.objects.filter(resolution=resolution).exists()


def test_the_owner_completes_a_task_and_may_not_cancel_it(city):
    task = a_task(city, owner=city.users["gridworker"], area=city.grids[0])
    api = api_as(city.users["gridworker"])
    assert ids(api.get(TASKS, {"mine": "true"})) == {task.pk}
    assert api.post(f"{TASKS}{task.pk}/cancel/", {"reason": "不做"}, format="json").status_code == 403
    assert "report" in fields_of(api.post(f"{TASKS}{task.pk}/complete/", {"report": ""}, format="json"))
    response = api.post(f"{TASKS}{task.pk}/complete/", {"report": "已施划标线"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == TaskState.DONE
    detail = api.get(f"{TASKS}{task.pk}/").json()
    assert [event["action"] for event in detail["events"]] == ["create", "complete"]


def test_someone_else_without_council_change_may_not_complete(city):
    task = a_task(city, owner=city.users["gridworker"], area=city.grids[0])
    response = api_as(city.users["gridhead"]).post(
        f"{TASKS}{task.pk}/complete/", {"report": "x"}, format="json"
    )
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_tasks_are_scoped_and_filtered(city, outsider):
    task = a_task(city)
    late = a_task(city)
    Task.objects.filter(pk=late.pk).update(deadline=in_days(-1))
    assert ids(api_as(outsider).get(TASKS)) == set()
    assert api_as(outsider).get(f"{TASKS}{task.pk}/").status_code == 404
    api = api_as(city.users["community"])
    assert ids(api.get(TASKS, {"overdue": "true"})) == {late.pk}
    assert ids(api.get(TASKS, {"overdue": "false"})) == {task.pk}
    api_as(city.users["community"]).post(f"{TASKS}{task.pk}/cancel/", {"reason": "合并实施"}, format="json")
    assert ids(api.get(TASKS, {"state": "cancelled"})) == {task.pk}


def test_the_task_list_costs_the_same_queries(city, django_assert_num_queries):
    for _n in range(50):
        a_task(city)
    assert_list_cost(django_assert_num_queries, api_as(city.users["community"]), TASKS, 4)


def test_the_schema_documents_the_council_endpoints(city):
    schema = api_as(city.users["community"]).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/party/meetings/",
        "/api/v1/party/meetings/{id}/topics/",
        "/api/v1/party/meetings/{id}/resolutions/",
        "/api/v1/party/resolutions/{id}/task/",
        "/api/v1/party/resolutions/{id}/case/",
        "/api/v1/party/council-tasks/{id}/complete/",
        "/api/v1/party/council-tasks/{id}/cancel/",
    ):
        assert path in paths, path
