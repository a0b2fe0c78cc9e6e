"""Every operation of the OpenAPI schema documents the errors it can give, with the one `Error` shape that
apps/core/api/errors.py answers (GeoReport's under /open311/: its own list of {code, description}), and
real error answers validate against that shape."""

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.api_helpers import api_as

pytestmark = pytest.mark.django_db
ERROR_REF = {"$ref": "#/components/schemas/Error"}
OPEN311_ERRORS = {"type": "array", "items": {"$ref": "#/components/schemas/Open311Error"}}
METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def error_ref(operation, status: str):
    # Every media type of an answer has the same schema; a GeoReport .xml route has only text/xml.
    schemas = [media["schema"] for media in operation["responses"][status]["content"].values()]
    assert all(schema == schemas[0] for schema in schemas)
    return schemas[0]


def test_the_error_component_has_the_shape_of_every_error_answer(schema):
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["error"]
    assert components["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(components["ErrorBody"]["required"]) == {"code", "message", "fields"}


def test_each_operation_documents_the_errors_it_can_give(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        parameters = operation.get("parameters", [])
        if operation.get("security") and all(operation["security"]):
            assert "401" in responses, where
        if any(p["in"] == "path" for p in parameters):
            assert "404" in responses, where
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            assert "400" in responses, where
        security = operation.get("security", [])
        if method != "get" and any("cookieAuth" in r for r in security):
            assert "403" in responses, where  # a session write without the CSRF token
        if any("ApiKeyAuth" in r for r in security):
            assert {"401", "403", "429"} <= set(responses), where  # a key's scopes and rate limit
        expected = OPEN311_ERRORS if path.startswith("/open311/") else ERROR_REF
        for status, response in responses.items():
            if status.startswith(("4", "5")) and "content" in response:
                # Whoever declared it, an error answer is the one shared component.
                assert error_ref(operation, status) == expected, (where, status)


def test_the_rules_pick_the_right_errors_for_known_operations(schema):
    paths = schema["paths"]
    token = paths["/api/v1/auth/token/"]["post"]["responses"]
    assert {"400", "429"} <= set(token)
    assert "401" not in token  # signing in needs no credentials
    me = paths["/api/v1/auth/me/"]["get"]["responses"]
    assert "401" in me
    assert not {"400", "403", "404"} & set(me)
    department = paths["/api/v1/departments/{id}/"]
    assert {"401", "404"} <= set(department["get"]["responses"])
    assert "403" not in department["get"]["responses"]  # reading out of scope is a 404, never a 403
    assert {"400", "401", "403", "404"} <= set(department["patch"]["responses"])
    assert "429" not in department["patch"]["responses"]
    # What an operation declares itself stays as it is.
    assert "409" in paths["/api/v1/cases/{id}/accept/"]["post"]["responses"]


def validate(schema, body):
    resolver_schema = {"$ref": "#/components/schemas/Error", "components": schema["components"]}
    jsonschema.validate(body, resolver_schema)


def test_real_error_answers_validate_against_the_error_component(schema, city, superuser):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    unauthenticated = anonymous.get("/api/v1/areas/")
    assert unauthenticated.status_code == 401
    validate(schema, unauthenticated.json())

    api = api_as(city.users["gridworker"])
    not_found = api.get(f"/api/v1/areas/{city.streets[1].pk}/")  # out of the grid worker's scope
    assert not_found.status_code == 404
    validate(schema, not_found.json())

    refused = api.post("/api/v1/departments/", {"name": "x"}, format="json")
    assert refused.status_code == 403
    validate(schema, refused.json())

    invalid = api_as(city.users["district"]).post(
        "/api/v1/areas/", {"parent": city.district.pk, "name": "", "code": ""}, format="json"
    )
    assert invalid.status_code == 400
    validate(schema, invalid.json())
    assert invalid.json()["error"]["fields"]

    out_of_range = api_as(city.users["street"]).get("/api/v1/calendar/days/", {"year": "99999"})
    assert out_of_range.status_code == 400
    validate(schema, out_of_range.json())

    # A list field's messages come by index.
    nested = api_as(superuser).post(
        "/api/v1/calendar/years/", {"year": 2030, "holidays": [], "makeup_days": ["x"]}, format="json"
    )
    assert nested.status_code == 400
    assert nested.json()["error"]["fields"]["makeup_days"].keys() == {"0"}
    validate(schema, nested.json())

    with pytest.raises(jsonschema.ValidationError):
        validate(schema, {"detail": "Not found."})  # DRF's own shape would not pass
