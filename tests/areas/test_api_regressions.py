"""Inputs that once made the areas API answer 500 (found by tests/core/test_schemathesis.py)."""

import pytest
from django.urls import reverse

from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from tests.api_helpers import api_as

pytestmark = pytest.mark.django_db
AREAS = reverse("api:area-list")


def test_a_create_without_a_parent_is_a_new_district_which_only_a_superuser_may_create(city, superuser):
    before = Area.objects.count()
    refused = api_as(city.users["district"]).post(AREAS, {"name": "新区", "code": "310199"}, format="json")
    assert refused.status_code in {400, 403}, refused.json()
    assert refused.json()["error"]["message"]
    assert Area.objects.count() == before

    created = api_as(superuser).post(AREAS, {"name": "新区", "code": "310199"}, format="json")
    assert created.status_code == 201, created.json()
    area = Area.objects.get(pk=created.json()["id"])
    assert (area.parent, area.level, area.code) == (None, AreaLevel.DISTRICT, "310199")
