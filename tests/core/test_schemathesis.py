"""Schemathesis fuzzes every operation of the OpenAPI schema against the app, in this process, and no input
makes a server error.

The schema is the one drf-spectacular generates here; each of its operations becomes a test, so an endpoint
added later is fuzzed without a list to maintain. Requests go through Django's WSGI handler in this process
and this test's database transaction, signed in with the token of a user who holds every role of the small
city (tests/builders.py). Each example runs in a savepoint that is rolled back, so examples see the same
rows and a database error in one cannot spill into the next. The generation is derandomized, small and
bounded; operations that only an integration client's API key may call are left to tests/integrations.
"""

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from apps.accounts.roles import Role
from apps.accounts.services import api_token_issue, role_grant, user_create
from apps.areas.choices import AreaLevel
from apps.dispatch.services import sla_policies_seed_defaults
from apps.residents.defaults import seed_reference
from apps.residents.models import CareTag, RiskRule
from apps.visits.defaults import seed_plans
from apps.visits.models import VisitPlan
from apps.workcalendar.models import WorkDay
from apps.workcalendar.services import calendar_seed
from tests.builders import PASSWORD, build_city, household_in, person_id, resident_in
from tests.cases.api_support import accepted, dispatched, report

MAX_EXAMPLES = 15
SEED = 20260707
CHECKS = [not_a_server_error, response_schema_conformance]
# The roles of the fuzzing user, each at the first area of its level.
ROLES = {
    Role.DISTRICT_COMMAND: AreaLevel.DISTRICT,
    Role.SYSTEM_ADMIN: AreaLevel.DISTRICT,
    Role.AUDITOR: AreaLevel.DISTRICT,
    Role.PARTY_SECRETARY: AreaLevel.DISTRICT,
    Role.STREET_STAFF: AreaLevel.STREET,
    Role.COMMUNITY_WORKER: AreaLevel.COMMUNITY,
    Role.GRID_HEAD: AreaLevel.GRID,
    Role.GRID_WORKER: AreaLevel.GRID,
    Role.BUILDING_LEADER: AreaLevel.BUILDING,
}


def _user_operations(raw: dict) -> dict:
    """The schema without the operations that only an API key (apps.integrations) may call."""
    for item in raw["paths"].values():
        for method in [m for m, op in item.items() if isinstance(op, dict) and "responses" in op]:
            security = item[method].get("security")
            if security and not any(
                "tokenAuth" in requirement or not requirement for requirement in security
            ):
                del item[method]
    raw["paths"] = {path: item for path, item in raw["paths"].items() if item}
    return raw


def _load_schema():
    raw = _user_operations(SchemaGenerator().get_schema(request=None, public=True))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = WSGIHandler()
    loaded.config.seed = SEED
    loaded.config.generation.update(
        max_examples=MAX_EXAMPLES,
        deterministic=True,
        database="none",
        no_shrink=True,
        with_security_parameters=False,
    )
    loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


schema = _load_schema()


# The ids of rows the fuzzing user can read, by list path ("/api/v1/cases/"), filled by the module fixture;
# an `{id}` below a list path is a real row in two examples of three, a random number in the rest.
KNOWN_IDS: dict[str, list[int]] = {}


def _list_path(path: str) -> str:
    return path.split("{id}", maxsplit=1)[0]


@schema.hook
def map_path_parameters(context, path_parameters):
    known = KNOWN_IDS.get(_list_path(context.operation.path))
    value = (path_parameters or {}).get("id")
    if known and isinstance(value, int) and not isinstance(value, bool) and value % 3:
        path_parameters["id"] = known[value % len(known)]
    return path_parameters


def _build_rows():
    """The city, a few cases in different states, households with residents, and the fuzzing user."""
    sla_policies_seed_defaults()
    if not WorkDay.objects.exists():
        calendar_seed()
    seed_reference(CareTag, RiskRule)
    seed_plans(VisitPlan, CareTag)
    city = build_city()
    report(city)
    accepted(city, title="占道经营")
    dispatched(city, title="路灯不亮")
    for n, building in enumerate(city.buildings[:2]):
        household = household_in(building, room=f"{n + 1}01", kind="rented")
        resident_in(household, id_number=person_id(n + 1), phone="13712345678")
    user = user_create(username="fuzzer", password=PASSWORD, full_name="fuzzer")
    for role, level in ROLES.items():
        role_grant(actor=None, user=user, role=role, area=city.by_level(level)[0], is_full_time=True)
    role_grant(actor=None, user=user, role=Role.DEPARTMENT_HANDLER, department=city.departments[1])
    return user


@pytest.fixture(scope="module")
def token(django_db_setup, django_db_blocker):
    """The rows and the fuzzing user's token, written once for the module and rolled back after it; the ids
    each list answers are the known ids of its `{id}` paths."""
    with django_db_blocker.unblock(), transaction.atomic():
        key = api_token_issue(user=_build_rows()).key
        api = APIClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {key}")
        for path in {_list_path(path) for path in schema.raw_schema["paths"] if "{id}" in path}:
            with transaction.atomic():  # a list that fails is the fuzzing's to report, not the set-up's
                response = api.get(path, {"page_size": 20})
            rows = response.json().get("results") if response.status_code == 200 else None
            KNOWN_IDS[path] = [row["id"] for row in rows or [] if isinstance(row, dict) and "id" in row]
        yield key
        KNOWN_IDS.clear()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _in_this_transaction(settings, tmp_path):
    """Requests share the test's connection and transaction, as with Django's test client: the handler must
    not close the connection at the end of a request. Uploads go to a temporary directory; throttle counts
    are forgotten afterwards."""
    settings.MEDIA_ROOT = str(tmp_path)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    cache.clear()


@pytest.mark.postgres
@pytest.mark.django_db
@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_no_input_makes_a_server_error(case, token):
    headers = {"Accept-Language": "en"}
    if "tokenAuth" in str(case.operation.definition.raw.get("security")):
        headers["Authorization"] = f"Token {token}"
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)
