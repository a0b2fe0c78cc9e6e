"""Every GeoReport operation is in the OpenAPI schema: a route per format, answering only that format, with
the api_key scheme where a key is needed and errors as GeoReport writes them."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

RESOURCES = [
    "services",
    "services/{service_code}",
    "requests",
    "requests/{service_request_id}",
    "tokens/{token}",
    "servicerequestupdates",
]
MEDIA = {"json": "application/json", "xml": "text/xml"}


@pytest.fixture(scope="module")
def paths(django_db_blocker, tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", file=str(target))
    return yaml.safe_load(target.read_text())["paths"]


@pytest.mark.parametrize("format_", ["json", "xml"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_each_resource_and_format_is_an_operation(paths, resource, format_):
    operation = paths[f"/open311/v2/{resource}.{format_}"]["get"]
    assert operation["operationId"].endswith(f"_read_{format_}")
    assert operation["tags"] == ["open311"]
    for status, response in operation["responses"].items():
        assert set(response["content"]) == {MEDIA[format_]}, status
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert "format" not in names
    assert "jurisdiction_id" in names


def test_errors_are_lists_of_code_and_description(paths):
    responses = paths["/open311/v2/requests.json"]["get"]["responses"]
    for status in ("400", "401", "403", "429"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"type": "array", "items": {"$ref": "#/components/schemas/Open311Error"}}


def test_keyed_operations_name_the_api_key_parameter(paths):
    public = paths["/open311/v2/services.json"]["get"]
    assert public["security"] == [{}]
    keyed = paths["/open311/v2/requests.json"]
    assert {"Open311ApiKey": []} in keyed["get"]["security"]
    post = keyed["post"]
    assert {"Open311ApiKey": []} in post["security"]
    assert set(post["requestBody"]["content"]) == {"application/x-www-form-urlencoded", "multipart/form-data"}
    assert set(post["responses"]) >= {"201", "400", "401", "403", "429"}
    filters = {parameter["name"] for parameter in keyed["get"]["parameters"]}
    assert {"service_request_id", "service_code", "status", "start_date", "end_date"} <= filters
