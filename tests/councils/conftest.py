import pytest
from django.utils import translation

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from tests.dispatch.support import city_per_module

city = city_per_module()


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared with their msgids, whatever language an earlier test left on."""
    with translation.override("en"):
        yield


@pytest.fixture
def outsider(city):
    """A community worker of the second community: sees nothing of the first."""
    user = user_create(username="outsider", password="Grid-Test-Passw0rd", full_name="外社区")
    role_grant(actor=None, user=user, role=Role.COMMUNITY_WORKER, area=city.communities[1])
    return user
