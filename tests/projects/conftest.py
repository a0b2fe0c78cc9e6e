import datetime

import pytest
from django.utils import timezone, translation

from apps.projects.choices import ProjectKind
from apps.projects.services import project_create


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


def make_project(
    city, *, area=None, owner=None, days: int = 30, title: str = "口袋公园改造", actor=None, **fields
):
    """A project of the first community (owned by its community worker) unless told otherwise."""
    return project_create(
        actor=actor,
        area=area or city.communities[0],
        kind=fields.pop("kind", ProjectKind.PRACTICAL),
        title=title,
        content=fields.pop("content", "改造闲置空地"),
        owner=owner or city.users["community"],
        deadline=timezone.localdate() + datetime.timedelta(days=days),
        measures=fields.pop("measures", "居民投票选定方案"),
        **fields,
    )


@pytest.fixture
def project(city):
    return make_project(city, actor=city.users["community"])
