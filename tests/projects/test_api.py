"""Projects through the API: list, retrieve, create, update and the actions, in scope; bad input is a 400
with field errors and changes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.projects import services
from apps.projects.choices import ProjectState
from apps.projects.models import Milestone, Project, ProjectEvaluation, ProjectEvent
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids

from .conftest import make_project

pytestmark = pytest.mark.django_db
PROJECTS = reverse("api:project-list")
MILESTONES = reverse("api:project-milestone-list")


def url(project, action: str = "") -> str:
    if action:
        return reverse(f"api:project-{action}", args=[project.pk])
    return reverse("api:project-detail", args=[project.pk])


def body(city, **changes) -> dict:
    return {
        "area": city.communities[0].pk,
        "kind": "practical",
        "title": "社区食堂",
        "content": "开设社区食堂",
        "owner": city.users["community"].pk,
        "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "measures": "引入餐饮企业",
        **changes,
    }


def counts():
    return (Project.objects.count(), Milestone.objects.count(), ProjectEvent.objects.count())


def test_a_project_is_created(city):
    response = api_as(city.users["community"]).post(PROJECTS, body(city), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert list(data)[:3] == ["id", "url", "display"]
    assert data["state"] == "underway"
    assert data["owner"] == city.users["community"].pk
    assert [event["action"] for event in data["events"]] == ["create"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"owner": None}, "owner"),
        ({"deadline": None}, "deadline"),
        ({"content": ""}, "content"),
        ({"measures": ""}, "measures"),
        ({"deadline": "2020-01-01"}, "deadline"),
    ],
)
def test_a_project_without_a_fix_is_a_400(city, changes, field):
    before = counts()
    fields = fields_of(api_as(city.users["community"]).post(PROJECTS, body(city, **changes), format="json"))
    assert field in fields
    assert counts() == before


def test_a_project_without_owner_and_deadline_fields_at_all_is_a_400(city):
    data = body(city)
    del data["owner"], data["deadline"]
    fields = fields_of(api_as(city.users["community"]).post(PROJECTS, data, format="json"))
    assert {"owner", "deadline"} <= set(fields)
    assert Project.objects.count() == 0


def test_ids_out_of_scope_answer_like_missing_ones(city):
    api = api_as(city.users["community"])
    fields = fields_of(api.post(PROJECTS, body(city, area=city.communities[2].pk), format="json"))
    assert "area" in fields
    stranger = city.users["dept"]
    assert "owner" in fields_of(api.post(PROJECTS, body(city, owner=stranger.pk), format="json"))
    assert "owner" in fields_of(api.post(PROJECTS, body(city, owner=999999), format="json"))


def test_viewers_may_not_create(city):
    assert api_as(city.users["gridworker"]).post(PROJECTS, body(city), format="json").status_code == 403


def test_the_list_is_scoped(city, project):
    other = make_project(city, area=city.communities[2], owner=city.users["district"])
    assert ids(api_as(city.users["community"]).get(PROJECTS)) == {project.pk}
    assert ids(api_as(city.users["district"]).get(PROJECTS)) == {project.pk, other.pk}
    assert ids(api_as(city.users["dept"]).get(PROJECTS)) == set()
    assert api_as(city.users["community"]).get(url(other)).status_code == 404
    response = api_as(city.users["community"]).post(url(other, "cancel"), {"reason": "x"}, format="json")
    assert response.status_code == 404


def test_the_list_filters(city, project):
    other = make_project(city, title="红帆助老服务队", kind="red_sail", owner=city.users["street"])
    services.milestone_add(
        actor=None, project=other, title="逾期", due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    api = api_as(city.users["street"])
    assert ids(api.get(PROJECTS, {"kind": "red_sail"})) == {other.pk}
    assert ids(api.get(PROJECTS, {"overdue": "true"})) == {other.pk}
    assert ids(api.get(PROJECTS, {"overdue": "false"})) == {project.pk}
    assert ids(api.get(PROJECTS, {"mine": "true"})) == {other.pk}
    assert ids(api.get(PROJECTS, {"q": "助老"})) == {other.pk}
    assert ids(api.get(PROJECTS, {"state": "completed"})) == set()
    row = next(row for row in api.get(PROJECTS).json()["results"] if row["id"] == other.pk)
    assert (row["milestone_total"], row["milestone_done"], row["milestones_overdue"]) == (1, 0, 1)


def test_the_whole_lifecycle(city, project):
    api = api_as(city.users["community"])
    response = api.post(
        url(project, "milestones"),
        {"title": "方案公示", "due_on": project.deadline.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    milestone_id = response.json()["id"]
    assert "milestones" in fields_of(api.post(url(project, "complete"), {"summary": "完成"}, format="json"))
    assert "state" in fields_of(
        api.post(url(project, "evaluate"), {"by": "residents", "score": 90, "participants": 5}, format="json")
    )
    done = api.post(reverse("api:project-milestone-complete", args=[milestone_id]), {}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["done_at"] is not None
    response = api.post(url(project, "complete"), {"summary": "完成"}, format="json")
    assert response.json()["state"] == "completed"
    response = api.post(
        url(project, "evaluate"), {"by": "residents", "score": 90, "participants": 5}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["grade"] == "satisfied"
    again = api.post(
        url(project, "evaluate"), {"by": "residents", "score": 50, "participants": 5}, format="json"
    )
    assert "by" in fields_of(again)
    response = api.post(url(project, "evaluate"), {"by": "organisation", "score": 59}, format="json")
    assert response.json()["grade"] == "dissatisfied"
    detail = api.get(url(project)).json()
    assert detail["state"] == ProjectState.EVALUATED
    assert len(detail["evaluations"]) == 2
    assert ProjectEvaluation.objects.count() == 2


def test_a_project_is_updated_and_cancelled(city, project):
    api = api_as(city.users["community"])
    response = api.patch(url(project), {"title": "口袋公园二期"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "口袋公园二期"
    assert "owner" in fields_of(api.patch(url(project), {"owner": None}, format="json"))
    assert "reason" in fields_of(api.post(url(project, "cancel"), {"reason": ""}, format="json"))
    assert (
        api.post(url(project, "cancel"), {"reason": "资金未落实"}, format="json").json()["state"]
        == "cancelled"
    )
    assert "state" in fields_of(api.patch(url(project), {"title": "x"}, format="json"))


def test_the_owner_completes_milestones_through_the_api(city):
    project = make_project(city, area=city.grids[0], owner=city.users["gridworker"])
    milestone = services.milestone_add(actor=None, project=project, title="清理", due_on=project.deadline)
    complete = reverse("api:project-milestone-complete", args=[milestone.pk])
    assert api_as(city.users["gridhead"]).post(complete, {}, format="json").status_code == 403
    assert api_as(city.users["gridworker"]).post(complete, {}, format="json").status_code == 200
    assert "milestone" in fields_of(api_as(city.users["gridworker"]).post(complete, {}, format="json"))
    # Seen, not owned, not staff: reading is fine.
    detail = reverse("api:project-milestone-detail", args=[milestone.pk])
    assert api_as(city.users["gridhead"]).get(detail).status_code == 200


def test_milestones_are_scoped(city, project):
    other = make_project(city, area=city.communities[2], owner=city.users["district"])
    mine = services.milestone_add(actor=None, project=project, title="一", due_on=project.deadline)
    theirs = services.milestone_add(actor=None, project=other, title="二", due_on=other.deadline)
    assert ids(api_as(city.users["community"]).get(MILESTONES)) == {mine.pk}
    complete = reverse("api:project-milestone-complete", args=[theirs.pk])
    assert api_as(city.users["community"]).post(complete, {}, format="json").status_code == 404


def test_the_list_costs_the_same_for_5_and_50(city, django_assert_num_queries):
    for n in range(50):
        project = make_project(city, title=f"项目{n:02d}")
        services.milestone_add(actor=None, project=project, title="一", due_on=project.deadline)
    api = api_as(city.users["community"])
    assert_list_cost(django_assert_num_queries, api, PROJECTS, 4)
    assert_list_cost(django_assert_num_queries, api, MILESTONES, 4)
