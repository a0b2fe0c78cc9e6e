"""Every case and dispatch endpoint is in the OpenAPI schema with its input and its answers."""

import pytest
import yaml
from django.core.management import call_command

CASE_ACTIONS = [
    "accept",
    "reject",
    "handle-in-grid",
    "dispatch",
    "whistle",
    "resolve",
    "verify",
    "close",
    "rate",
    "suspend",
    "resume",
    "merge",
    "leader-claim",
    "supervise",
]
ORDER_ACTIONS = ["accept", "resolve", "return", "extension", "rate"]


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    return yaml.safe_load(target.read_text())


def test_every_endpoint_is_documented(schema):
    paths = set(schema["paths"])
    assert {
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/duplicates/",
        "/api/v1/cases/inbox/",
        "/api/v1/cases/route/",
        *(f"/api/v1/cases/{{id}}/{action}/" for action in CASE_ACTIONS),
        "/api/v1/dispatch/orders/",
        "/api/v1/dispatch/orders/{id}/",
        "/api/v1/dispatch/orders/inbox/",
        *(f"/api/v1/dispatch/orders/{{id}}/{action}/" for action in ORDER_ACTIONS),
        "/api/v1/dispatch/extension-requests/",
        "/api/v1/dispatch/extension-requests/{id}/decide/",
        "/api/v1/dispatch/whistles/",
        "/api/v1/dispatch/whistles/{id}/",
        "/api/v1/dispatch/supervisions/",
        "/api/v1/dispatch/sla-policies/",
        "/api/v1/dispatch/escalations/",
    } <= paths


def _ref(content: dict) -> str:
    return content["schema"]["$ref"].rsplit("/", 1)[-1]


def test_intake_takes_files_an_idempotency_key_and_answers_201_or_200(schema):
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert {p["name"] for p in create["parameters"] if p["in"] == "header"} == {"Idempotency-Key"}
    multipart = create["requestBody"]["content"]["multipart/form-data"]
    properties = schema["components"]["schemas"][_ref(multipart)]["properties"]
    assert properties["photos"] == {"type": "array", "items": {"type": "string", "format": "binary"}}
    assert {"201", "200", "400", "403"} <= set(create["responses"])
    # The answer is the case as lists show it, with the url of its detail.
    row = schema["components"]["schemas"][_ref(create["responses"]["201"]["content"]["application/json"])]
    assert {"id", "url", "serial", "status"} <= set(row["properties"])
    filters = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert {
        "status",
        "category",
        "channel",
        "urgency",
        "area",
        "overdue",
        "q",
        "bucket",
        "page_size",
    } <= filters


def test_actions_document_their_input_and_their_refusals(schema):
    whistle = schema["paths"]["/api/v1/cases/{id}/whistle/"]["post"]
    body = schema["components"]["schemas"][_ref(whistle["requestBody"]["content"]["application/json"])]
    assert set(body["required"]) == {"kind", "departments", "reason"}
    assert {"201", "400", "403", "404", "409"} <= set(whistle["responses"])
    for action in CASE_ACTIONS:
        responses = schema["paths"][f"/api/v1/cases/{{id}}/{action}/"]["post"]["responses"]
        assert _ref(responses["409"]["content"]["application/json"]) == "Error"
    extension = schema["paths"]["/api/v1/dispatch/orders/{id}/extension/"]["post"]
    assert _ref(extension["responses"]["201"]["content"]["application/json"]) == "ExtensionRequest"
