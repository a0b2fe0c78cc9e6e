"""Schemathesis fuzzes every operation of the OpenAPI schema against the app, in this process, and no input
makes a server error.

The schema is the one drf-spectacular generates here; each of its operations becomes a test, so an endpoint
added later is fuzzed without a list to maintain. Requests go through Django's WSGI handler in this process
and this test's database transaction, signed in with the token of a user who holds every role of the small
city (tests/builders.py). Every operation that accepts an API key (the schema lists `ApiKeyAuth` on it) is
fuzzed again with the key of an integration client holding every scope, limited to the district, with code
tables mapping the schema example's codes, so hotline orders become cases; an operation that accepts both is
fuzzed both ways. Each example runs in a savepoint that is rolled back, so examples see the same rows and a
database error in one cannot spill into the next. The generation is derandomized, small and bounded.
"""

import copy

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
from apps.hotline.choices import MappingKind
from apps.hotline.models import CodeMapping
from apps.hotline.services import order_receive, order_withdraw
from apps.residents.defaults import seed_reference
from apps.residents.models import CareTag, RiskRule
from apps.visits.defaults import seed_plans
from apps.visits.models import VisitPlan
from apps.webhooks.collect import collect
from apps.webhooks.services import subscription_create
from apps.workcalendar.models import WorkDay
from apps.workcalendar.services import calendar_seed
from tests.builders import PASSWORD, build_city, household_in, person_id, resident_in
from tests.cases.api_support import accepted, dispatched, report
from tests.hotline.support import close
from tests.integrations.support import register

MAX_EXAMPLES = 15
SEED = 20260707
CHECKS = [not_a_server_error, response_schema_conformance]
# The fuzzing client never reaches its rate limit.
KEY_RATE_LIMIT = 1_000_000
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


def _operations(raw: dict, wanted) -> dict:
    """The schema with only the operations whose security requirements `wanted` accepts."""
    for item in raw["paths"].values():
        for method in [m for m, op in item.items() if isinstance(op, dict) and "responses" in op]:
            if not wanted(item[method].get("security")):
                del item[method]
    raw["paths"] = {path: item for path, item in raw["paths"].items() if item}
    return raw


def _by_user(security) -> bool:
    """Open to everyone, or to a signed-in user's token."""
    return not security or any("tokenAuth" in requirement or not requirement for requirement in security)


def _by_key(security) -> bool:
    """Open to an integration client's API key (apps.integrations)."""
    return any("ApiKeyAuth" in requirement for requirement in security or [])


def _load_schema(raw: dict, wanted):
    loaded = schemathesis.openapi.from_dict(_operations(copy.deepcopy(raw), wanted))
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


_RAW = SchemaGenerator().get_schema(request=None, public=True)
schema = _load_schema(_RAW, _by_user)
key_schema = _load_schema(_RAW, _by_key)


# The ids of rows the fuzzing user, and the fuzzing key, can read, by list path ("/api/v1/cases/"), and the
# serial numbers of the key's hotline orders under "/api/v1/hotline/orders/", filled by the module fixture:
# a path parameter below a list path is a real value in two examples of three, a generated one in the rest.
KNOWN_IDS: dict[str, list] = {}
KNOWN_KEY_IDS: dict[str, list] = {}
PATH_PARAMETERS = ("id", "serial")


def _list_path(path: str) -> str:
    for name in PATH_PARAMETERS:
        path = path.split(f"{{{name}}}", maxsplit=1)[0]
    return path


def _with_known(known: dict, context, path_parameters):
    values = known.get(_list_path(context.operation.path))
    for name in PATH_PARAMETERS:
        value = (path_parameters or {}).get(name)
        if isinstance(value, bool) or not values:
            continue
        pick = value if isinstance(value, int) else len(value) if isinstance(value, str) else None
        if pick is not None and pick % 3:
            path_parameters[name] = values[pick % len(values)]
    return path_parameters


@schema.hook("map_path_parameters")
def _user_path_parameters(context, path_parameters):
    return _with_known(KNOWN_IDS, context, path_parameters)


@key_schema.hook("map_path_parameters")
def _key_path_parameters(context, path_parameters):
    return _with_known(KNOWN_KEY_IDS, context, path_parameters)


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
    return city, user


def _build_client(city) -> tuple[str, list[str]]:
    """The fuzzing client (every scope, limited to the district) with code tables mapping the codes of
    the schema's example order, a webhook subscription with deliveries, and hotline orders in each state
    the hotline asks about: its raw key and the orders' serial numbers."""
    client, raw = register(city.district, code="12345", rate_limit=KEY_RATE_LIMIT, name="热线 12345")
    CodeMapping.objects.bulk_create(
        [
            CodeMapping(client=client, kind=MappingKind.CATEGORY, code="HJ-01", category=city.categories[1]),
            CodeMapping(client=client, kind=MappingKind.AREA, code="JD-001", area=city.streets[0]),
            CodeMapping(client=client, kind=MappingKind.AREA, code="WG-111", area=city.grids[0]),
        ]
    )
    subscription_create(
        actor=None, client=client, target_url="https://hooks.example.com/gridgov", events=["case.created"]
    )
    order = {"description": "小区南门垃圾三天未清运", "category_code": "HJ-01"}
    mapped = order_receive(client=client, serial="12345-0001", area_code="WG-111", **order).order
    order_receive(client=client, serial="12345-0002", area_code="SQ-99", **order)  # kept for triage
    order_receive(client=client, serial="12345-0003", area_code="JD-001", **order)
    order_withdraw(client=client, serial="12345-0003", reason="来电人已自行解决")
    close(mapped.case, city)  # the caller's rating may be relayed
    collect()
    return raw, ["12345-0001", "12345-0002", "12345-0003"]


def _known_ids(api: APIClient, paths) -> dict[str, list[int]]:
    """The ids each list answers, by list path."""
    known = {}
    for path in {_list_path(path) for path in paths if "{id}" in path}:
        with transaction.atomic():  # a list that fails is the fuzzing's to report, not the set-up's
            response = api.get(path, {"page_size": 20})
        rows = response.json().get("results") if response.status_code == 200 else None
        known[path] = [row["id"] for row in rows or [] if isinstance(row, dict) and "id" in row]
    return known


@pytest.fixture(scope="module")
def credentials(django_db_setup, django_db_blocker):
    """The rows, the fuzzing user's token and the fuzzing client's key, written once for the module and
    rolled back after it; the ids each list answers are the known ids of its `{id}` paths."""
    with django_db_blocker.unblock(), transaction.atomic():
        city, user = _build_rows()
        token = api_token_issue(user=user).key
        raw, serials = _build_client(city)
        api = APIClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
        KNOWN_IDS.update(_known_ids(api, schema.raw_schema["paths"]))
        api = APIClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Api-Key {raw}")
        KNOWN_KEY_IDS.update(_known_ids(api, key_schema.raw_schema["paths"]))
        KNOWN_KEY_IDS["/api/v1/hotline/orders/"] = serials
        cache.clear()  # the calls above do not count towards the key's rate limit
        yield {"token": token, "key": raw}
        KNOWN_IDS.clear()
        KNOWN_KEY_IDS.clear()
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


def _call(case, authorization: str | None) -> None:
    headers = {"Accept-Language": "en"}
    if authorization:
        headers["Authorization"] = authorization
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)


@pytest.mark.postgres
@pytest.mark.django_db
@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_no_input_makes_a_server_error(case, credentials):
    signed_in = "tokenAuth" in str(case.operation.definition.raw.get("security"))
    _call(case, f"Token {credentials['token']}" if signed_in else None)


@pytest.mark.postgres
@pytest.mark.django_db
@key_schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_no_input_makes_a_server_error_with_an_api_key(case, credentials):
    _call(case, f"Api-Key {credentials['key']}")


def test_the_operations_only_a_key_may_call_are_fuzzed_with_one():
    """Guards the selection: were the scheme renamed, the key's fuzzing would silently test nothing."""
    paths = key_schema.raw_schema["paths"]
    for path in [
        "/api/v1/hotline/orders/",
        "/api/v1/hotline/orders/{serial}/rating/",
        "/api/v1/webhooks/subscriptions/{id}/",
        "/api/v1/webhooks/deliveries/{id}/redeliver/",
        "/api/v1/integrations/me/",
    ]:
        assert path in paths
        assert path not in schema.raw_schema["paths"]
    assert "/api/v1/cases/" in paths
    assert "/api/v1/cases/" in schema.raw_schema["paths"]
