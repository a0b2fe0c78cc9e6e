"""The project pages through the real views: the list (the "projects" tab), creation, the detail with its
action forms, scoping and pinned query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.projects import services
from apps.projects.choices import EvaluationBy, ProjectState
from apps.projects.models import Milestone, Project, ProjectEvaluation

from .conftest import make_project

pytestmark = pytest.mark.django_db
LIST = reverse("projects:list")
CREATE = reverse("projects:create")


def detail(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def titles(response) -> list[str]:
    return [project.title for project in response.context["page_obj"]]


def create_data(city, **changes) -> dict:
    return {
        "area": city.communities[0].pk,
        "kind": "practical",
        "title": "社区食堂",
        "content": "开设社区食堂",
        "owner": city.users["community"].pk,
        "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "measures": "引入餐饮企业",
        "organisation": "",
        "budget": "",
        **changes,
    }


def test_the_list_shows_progress_and_overdue(city, as_user, project):
    services.milestone_add(
        actor=None, project=project, title="逾期", due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    done = services.milestone_add(actor=None, project=project, title="完成", due_on=project.deadline)
    services.milestone_complete(actor=None, milestone=done)
    make_project(city, title="楼道微更新")
    response = as_user(city.users["community"]).get(LIST)
    assert response.status_code == 200
    row = next(p for p in response.context["page_obj"] if p.pk == project.pk)
    assert (row.milestone_done, row.milestone_total, row.milestones_overdue) == (1, 2, 1)
    assert b'data-testid="overdue"' in response.content
    assert titles(as_user(city.users["community"]).get(LIST, {"overdue": "on"})) == ["口袋公园改造"]


def test_the_list_filters(city, as_user, project):
    other = make_project(city, title="红帆助老服务队", kind="red_sail", owner=city.users["street"])
    services.project_cancel(actor=None, project=other, reason="取消")
    client = as_user(city.users["community"])
    assert titles(client.get(LIST, {"kind": "red_sail"})) == ["红帆助老服务队"]
    assert titles(client.get(LIST, {"state": "underway"})) == ["口袋公园改造"]
    assert titles(client.get(LIST, {"q": "助老"})) == ["红帆助老服务队"]
    assert titles(client.get(LIST, {"q": "投票"})) == ["红帆助老服务队", "口袋公园改造"]
    assert titles(as_user(city.users["street"]).get(LIST, {"mine": "on"})) == ["红帆助老服务队"]


@pytest.mark.parametrize(
    ("username", "sees"),
    [("community", True), ("street", True), ("party", True), ("district", True), ("gridworker", False)],
)
def test_the_list_and_detail_are_scoped(city, as_user, project, username, sees):
    client = as_user(city.users[username])
    assert (titles(client.get(LIST)) == ["口袋公园改造"]) is sees
    assert client.get(detail(project)).status_code == (200 if sees else 404)


def test_a_community_worker_does_not_see_another_communitys_projects(city, as_user):
    other = make_project(city, area=city.communities[1], owner=city.users["street"])
    client = as_user(city.users["community"])
    assert titles(client.get(LIST)) == []
    assert client.get(detail(other)).status_code == 404
    assert client.post(reverse("projects:cancel", args=[other.pk]), {"reason": "x"}).status_code == 404


def test_a_department_handler_has_no_project_pages(city, as_user):
    client = as_user(city.users["dept"])
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_viewers_may_not_act(city, as_user):
    project = make_project(city, area=city.grids[0], owner=city.users["community"])
    client = as_user(city.users["gridworker"])
    assert client.get(detail(project)).status_code == 200
    assert client.get(CREATE).status_code == 403
    assert client.post(reverse("projects:cancel", args=[project.pk]), {"reason": "x"}).status_code == 403
    assert Project.objects.get(pk=project.pk).state == ProjectState.UNDERWAY


def test_a_project_is_created_on_the_page(city, as_user):
    client = as_user(city.users["community"])
    form = client.get(CREATE).context["form"]
    assert set(form.fields["area"].queryset) == {city.communities[0], *city.grids[:2]}
    response = client.post(CREATE, create_data(city))
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == detail(project)
    assert project.owner == city.users["community"]


@pytest.mark.parametrize("missing", ["owner", "deadline", "content", "measures"])
def test_a_project_without_a_fix_is_refused_on_the_page(city, as_user, missing):
    response = as_user(city.users["community"]).post(CREATE, create_data(city, **{missing: ""}))
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert Project.objects.count() == 0


def test_a_service_error_lands_on_the_form(city, as_user):
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = as_user(city.users["community"]).post(CREATE, create_data(city, deadline=past))
    assert response.context["form"].errors["deadline"] == ["The deadline cannot be in the past."]
    # The grid head holds a role for a grid, not the community.
    response = as_user(city.users["community"]).post(
        CREATE, create_data(city, owner=city.users["gridhead"].pk)
    )
    assert "owner" in response.context["form"].errors
    assert Project.objects.count() == 0


def test_the_lifecycle_on_the_detail_page(city, as_user, project):
    client = as_user(city.users["community"])
    page = client.get(detail(project))
    assert page.context["may_change"]
    assert page.context["evaluation_forms"] == []
    late = (project.deadline + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("projects:milestone_add", args=[project.pk]), {"title": "晚", "due_on": late}
    )
    assert response.status_code == 200
    assert "due_on" in response.context["milestone_form"].errors
    assert Milestone.objects.count() == 0
    response = client.post(
        reverse("projects:milestone_add", args=[project.pk]),
        {"title": "方案公示", "due_on": project.deadline.isoformat()},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get()
    response = client.post(reverse("projects:complete", args=[project.pk]), {"summary": "完成"})
    assert "方案公示" in str(response.context["complete_form"].errors)
    client.post(reverse("projects:milestone_complete", args=[milestone.pk]), {"note": "好"})
    assert (
        client.post(reverse("projects:complete", args=[project.pk]), {"summary": "完成"}).status_code == 302
    )
    page = client.get(detail(project))
    assert [form.by for form in page.context["evaluation_forms"]] == list(EvaluationBy.values)
    response = client.post(
        reverse("projects:evaluate", args=[project.pk]), {"by": "residents", "residents-score": "95"}
    )
    assert "participants" in response.context["evaluation_forms"][0].errors
    # Neither of the page's two forms: refused, nothing recorded.
    unknown = {
        "by": "neighbours",
        "neighbours-score": "95",
        "residents-score": "95",
        "residents-participants": "9",
    }
    assert client.post(reverse("projects:evaluate", args=[project.pk]), unknown).status_code == 400
    assert not ProjectEvaluation.objects.exists()
    for by, data in (("residents", {"score": "95", "participants": "20"}), ("organisation", {"score": "80"})):
        post = {"by": by, **{f"{by}-{key}": value for key, value in data.items()}}
        assert client.post(reverse("projects:evaluate", args=[project.pk]), post).status_code == 302
    project.refresh_from_db()
    assert project.state == ProjectState.EVALUATED
    assert ProjectEvaluation.objects.count() == 2
    page = client.get(detail(project))
    assert len(page.context["evaluations"]) == 2
    assert [event.action for event in page.context["events"]] == [
        "create",
        "milestone_add",
        "milestone_complete",
        "complete",
        "evaluate",
        "evaluate",
    ]


def test_the_owner_completes_a_milestone_on_the_page(city, as_user):
    project = make_project(city, area=city.grids[0], owner=city.users["gridworker"])
    milestone = services.milestone_add(actor=None, project=project, title="清理", due_on=project.deadline)
    url = reverse("projects:milestone_complete", args=[milestone.pk])
    assert as_user(city.users["gridhead"]).post(url).status_code == 403
    assert as_user(city.users["gridworker"]).post(url).status_code == 302
    assert Milestone.objects.get().done_at is not None
    # Twice: the error is shown, nothing changes.
    response = as_user(city.users["gridworker"]).post(url)
    assert response.status_code == 200
    assert response.context["milestone_errors"].errors


def test_actions_need_post(city, as_user, project):
    assert (
        as_user(city.users["community"]).get(reverse("projects:cancel", args=[project.pk])).status_code == 405
    )


def test_the_edit_page_updates_an_underway_project(city, as_user, project):
    client = as_user(city.users["community"])
    url = reverse("projects:edit", args=[project.pk])
    assert client.get(url).status_code == 200
    data = create_data(city, title="口袋公园二期")
    data.pop("area")
    assert client.post(url, data).status_code == 302
    assert Project.objects.get().title == "口袋公园二期"


def test_the_list_costs_the_same_queries_for_5_and_30(city, as_user, django_assert_num_queries):
    client = as_user(city.users["community"])

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            project = make_project(city, title=f"项目{n:02d}")
            services.milestone_add(actor=None, project=project, title="一", due_on=project.deadline)

    add(0, 5)
    client.get(LIST)
    with django_assert_num_queries(8):
        assert len(client.get(LIST).context["page_obj"]) == 5
    add(5, 30)
    with django_assert_num_queries(8):
        assert len(client.get(LIST).context["page_obj"]) == 30


def test_the_detail_costs_the_same_queries_for_2_and_12_milestones(
    city, as_user, project, django_assert_num_queries
):
    client = as_user(city.users["community"])
    for n in range(2):
        services.milestone_add(actor=None, project=project, title=f"节点{n}", due_on=project.deadline)
    client.get(detail(project))
    with django_assert_num_queries(11):
        client.get(detail(project))
    for n in range(2, 12):
        milestone = services.milestone_add(
            actor=None, project=project, title=f"节点{n}", due_on=project.deadline
        )
        services.milestone_complete(actor=city.users["community"], milestone=milestone)
    with django_assert_num_queries(11):
        assert len(client.get(detail(project)).context["milestones"]) == 12


def test_the_admin_shows_projects_read_only(city, client, superuser, project):
    services.milestone_add(actor=None, project=project, title="一", due_on=project.deadline)
    client.force_login(superuser)
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 200
    assert client.get(reverse("admin:projects_project_change", args=[project.pk])).status_code == 200
    assert client.get(reverse("admin:projects_milestone_changelist")).status_code == 200
    assert client.get(reverse("admin:projects_project_add")).status_code == 403
