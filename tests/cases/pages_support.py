"""What the case and department page tests share: cases brought to a state through the real services, a
photo to upload, and the messages of a response."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.cases.choices import Channel
from apps.cases.services import case_accept, case_report
from apps.dispatch.services import case_dispatch, order_accept

PASSWORD = "Grid-Test-Passw0rd"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def report(city, *, area=None, title="垃圾堆放", category=None, actor="gridworker", **kwargs):
    """A case reported by the first grid's worker, or (actor None) by the system anywhere."""
    case, _created = case_report(
        actor=city.users[actor] if actor else None,
        channel=Channel.GRID_WORKER,
        category=category or city.categories[1],
        area=area or city.buildings[0],
        title=title,
        description="楼下垃圾三天未清运",
        reporter_name="张三",
        reporter_phone="13800138000",
        **kwargs,
    )
    return case


def accepted(city, **kwargs):
    case = report(city, **kwargs)
    case_accept(case=case, actor=city.users["street"])
    return case


def dispatched(city, **kwargs):
    """A case sent to the first street's department (whose handler is city.users["dept"]), and its order."""
    case = accepted(city, **kwargs)
    order = case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    case.refresh_from_db()
    return case, order


def signed(city, **kwargs):
    case, order = dispatched(city, **kwargs)
    order = order_accept(order=order, actor=city.users["dept"])
    return case, order


def other_handler(city):
    """A handler of the second street's department, who has nothing to do with the first street."""
    user = user_create(username="dept2", password=PASSWORD, full_name="dept2")
    role_grant(actor=None, user=user, role=Role.DEPARTMENT_HANDLER, department=city.departments[2])
    return user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def page_of(response) -> str:
    return response.content.decode()


def case_url(case) -> str:
    return reverse("cases:detail", args=[case.pk])


def act_url(case, action: str) -> str:
    return reverse("cases:act", args=[case.pk, action])
