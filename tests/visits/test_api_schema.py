"""Every household, resident and visit endpoint is in the OpenAPI schema, which generates without a
warning, with its input and its answers; personal numbers are write-only."""

import pytest
import yaml
from django.core.management import call_command

PATHS = {
    "/api/v1/households/",
    "/api/v1/households/{id}/",
    "/api/v1/households/{id}/risk/",
    "/api/v1/residents/",
    "/api/v1/residents/{id}/",
    "/api/v1/residents/{id}/reveal/",
    "/api/v1/residents/{id}/move-out/",
    "/api/v1/care-tags/",
    "/api/v1/risk-rules/",
    "/api/v1/access-log/",
    "/api/v1/visits/",
    "/api/v1/visits/{id}/",
    "/api/v1/visits/{id}/report-case/",
    "/api/v1/visits/due/",
    "/api/v1/visit-plans/",
    "/api/v1/coverage/",
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    return yaml.safe_load(target.read_text())


def _component(schema, content: dict) -> dict:
    return schema["components"]["schemas"][content["schema"]["$ref"].rsplit("/", 1)[-1]]


def test_every_endpoint_is_documented(schema):
    assert set(schema["paths"]) >= PATHS


def test_lists_document_their_filters(schema):
    def filters(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"area", "kind", "risk_colour", "due", "q", "page_size"} <= filters("/api/v1/households/")
    assert {"household", "area", "tag", "residence", "q", "id_number", "phone"} <= filters(
        "/api/v1/residents/"
    )
    assert {"area", "kind", "household", "worker", "visited_after"} <= filters("/api/v1/visits/")
    assert {"area"} <= filters("/api/v1/coverage/")


def test_personal_numbers_are_written_but_never_answered(schema):
    create = schema["paths"]["/api/v1/residents/"]["post"]
    body = _component(schema, create["requestBody"]["content"]["application/json"])
    assert {"id_number", "phone"} <= set(body["properties"])
    answer = _component(schema, create["responses"]["201"]["content"]["application/json"])
    assert not {"id_number", "phone"} & set(answer["properties"])
    assert {"id_number_mask", "phone_mask"} <= set(answer["properties"])
    reveal = schema["paths"]["/api/v1/residents/{id}/reveal/"]["post"]
    assert {"200", "400", "403", "404"} <= set(reveal["responses"])


def test_logging_a_visit_takes_photos_a_problem_and_an_idempotency_key(schema):
    create = schema["paths"]["/api/v1/visits/"]["post"]
    assert {p["name"] for p in create["parameters"] if p["in"] == "header"} == {"Idempotency-Key"}
    body = _component(schema, create["requestBody"]["content"]["multipart/form-data"])
    assert body["properties"]["photos"] == {"type": "array", "items": {"type": "string", "format": "binary"}}
    assert "problem" in body["properties"]
    assert {"201", "200", "400", "403"} <= set(create["responses"])
