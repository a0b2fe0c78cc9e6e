"""Cases in known states for the API tests, made with the real services."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.cases.choices import Channel
from apps.cases.services import case_accept, case_report
from apps.dispatch.services import case_dispatch

CASES = reverse("api:case-list")


def case_url(case, action: str = "") -> str:
    return reverse(f"api:case-{action or 'detail'}", args=[case.pk])


def report(city, *, actor: str | None = "gridworker", area=None, category=None, title="垃圾堆放", **fields):
    """A reported case, by default in the first building (the first street, community and grid)."""
    case, _created = case_report(
        actor=city.users[actor] if actor else None,
        channel=fields.pop("channel", Channel.GRID_WORKER),
        category=category or city.categories[1],
        area=area or city.buildings[0],
        title=title,
        description=fields.pop("description", "楼下垃圾三天未清运"),
        **fields,
    )
    return case


def accepted(city, **fields):
    case = report(city, **fields)
    return case_accept(case=case, actor=city.users["street"])


def dispatched(city, **fields):
    """A case dispatched by the street to the street's department (whose handler is users["dept"])."""
    case = accepted(city, **fields)
    order = case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    case.refresh_from_db()
    return case, order


def photo(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
