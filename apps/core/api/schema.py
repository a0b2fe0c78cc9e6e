"""The error answers of every API operation, documented once for the whole schema.

Every API error has one shape (apps/core/api/errors.py), so the schema describes it once, as the component
`Error`, and a postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds to each operation the
errors it can give, each referencing that component:

- 401 to every operation that needs authentication;
- 403 where a permission can be refused: a permission class beyond "signed in", a write authenticated by
  the session cookie (Django refuses it without the CSRF token), or an API key (which may lack the scope);
- 404 to every operation with a path parameter (no such row, or not in the user's scope);
- 400 to every operation with a request body or query parameters;
- 429 to every throttled operation, and to those that accept API keys (each key has a rate limit).

Every create that answers once per Idempotency-Key (apps.core.submissions.answered_once) gets the header
among its parameters and the 422 of a key sent before to another endpoint.

An answer an operation declares itself (an `extend_schema` response) is never replaced.

A second hook lets the answers' read-only choices be blank where the model allows it: DRF drops
`allow_blank` from read-only fields, so the schema would refuse the "" that a blank model field answers.
"""

import copy

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly

from apps.core.api.idempotency import IDEMPOTENCY_HEADER
from apps.core.api.viewsets import ScopedWritePermission

ERROR_REF = {"$ref": "#/components/schemas/Error"}

# The shape of apps.core.api.errors.error_body. Some views name the inline serializer "Error" in their
# responses (apps/cases/api/schema.py); the hook writes this definition over it, so that the schema holds one.
# A field's messages are a list, or for list and nested input the messages by index or by inner field.
ERROR_BODY_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {
            "type": "string",
            "description": "validation_error, not_authenticated, permission_denied, not_found, conflict, "
            "throttled …",
        },
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {
                "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}],
            },
        },
    },
    "required": ["code", "fields", "message"],
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"$ref": "#/components/schemas/ErrorBody"}},
    "required": ["error"],
}

# The scheme of integration clients' API keys (apps/integrations/schema.py): a key may lack the operation's
# scope (403) and has a rate limit per minute (429), checked where the key is authenticated.
API_KEY_SCHEME = "ApiKeyAuth"
# Permissions that refuse no signed-in user: their only refusal is the 401 of an anonymous request.
_SIGNED_IN_ONLY = (AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly)
_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def _descriptions() -> dict[str, str]:
    # Built per call, so that the schema is described in the language of the request that asks for it.
    return {
        "400": _("The input is not valid; `fields` holds a message per field."),
        "401": _("No valid credentials were sent."),
        "403": _("The user may not do this."),
        "404": _("No such row, or none in the user's scope."),
        "422": _("This Idempotency-Key was used for another request."),
        "429": _("Too many requests; try again later."),
    }


def _idempotency_parameter() -> dict:
    return {
        "in": "header",
        "name": IDEMPOTENCY_HEADER,
        "schema": {"type": "string", "maxLength": 64},
        "description": _(
            "A key of at most 64 characters chosen by the caller: the same key sent again (a retry) creates "
            "nothing and gets the first answer again, with the header Idempotent-Replayed: true."
        ),
    }


def _answers_once(view, method: str) -> bool:
    if view is None:
        return False
    handler = getattr(view, getattr(view, "action", None) or method, None)
    return getattr(handler, "answers_once", False)


def _views(generator) -> dict[tuple[str, str], object]:
    """The view instance behind each (path, method) of the schema, as the generator built them."""
    views = {}
    for route, _path_regex, method, callback in generator.endpoints or ():
        view = generator.create_view(callback, method)
        path = generator.coerce_path(route, method, view)
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        views[path, method.lower()] = view
    return views


def _authenticated(operation: dict) -> bool:
    security = operation.get("security") or []
    # An empty requirement ({}) means that an anonymous request is accepted as well.
    return bool(security) and all(requirement for requirement in security)


def _accepts(operation: dict, scheme: str) -> bool:
    return any(scheme in requirement for requirement in operation.get("security") or [])


def _may_refuse(view, method: str, operation: dict) -> bool:
    if method.upper() not in SAFE_METHODS and _accepts(operation, "cookieAuth"):
        return True
    if _accepts(operation, API_KEY_SCHEME):
        return True
    if view is None:
        return False
    for permission in view.get_permissions():
        if isinstance(permission, _SIGNED_IN_ONLY):
            continue
        # Reading a scoped row is never refused: a row out of scope is a 404, not a 403.
        if isinstance(permission, ScopedWritePermission) and method.upper() in SAFE_METHODS:
            continue
        return True
    return False


def _throttled(view) -> bool:
    return view is not None and bool(view.get_throttles())


def postprocess_error_responses(result, generator, request, public):
    """Adds the error answers above to every operation of `result`, and the `Error` component."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = copy.deepcopy(ERROR_SCHEMA)
    schemas["ErrorBody"] = copy.deepcopy(ERROR_BODY_SCHEMA)
    descriptions = _descriptions()
    views = _views(generator)
    for path, item in (result.get("paths") or {}).items():
        shared_parameters = item.get("parameters", [])
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            view = views.get((path, method))
            parameters = [*shared_parameters, *operation.get("parameters", [])]
            statuses = set()
            if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
                statuses.add("400")
            if _authenticated(operation):
                statuses.add("401")
            if _may_refuse(view, method, operation):
                statuses.add("403")
            if any(p.get("in") == "path" for p in parameters):
                statuses.add("404")
            if _throttled(view) or _accepts(operation, API_KEY_SCHEME):
                statuses.add("429")
            if _answers_once(view, method):
                statuses.add("422")
                if not any(p.get("name") == IDEMPOTENCY_HEADER for p in parameters):
                    operation.setdefault("parameters", []).append(_idempotency_parameter())
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses.setdefault(
                    status,
                    {
                        "content": {"application/json": {"schema": dict(ERROR_REF)}},
                        "description": descriptions[status],
                    },
                )
            operation["responses"] = dict(sorted(responses.items()))
    return result


BLANK_ENUM_REF = {"$ref": "#/components/schemas/BlankEnum"}


def _blank_read_only_choices(serializer) -> list[str]:
    """The read-only choice fields of a model serializer whose model field may be blank."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None:
        return []
    names = []
    for name, field in serializer.fields.items():
        if not (isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank):
            continue
        try:
            model_field = model._meta.get_field(field.source)
        except FieldDoesNotExist:
            continue
        if model_field.blank:
            names.append(name)
    return names


def postprocess_blank_choices(result, generator, request, public):
    """Lets a read-only choice of an answer be "" where its model field may be blank, as drf-spectacular
    documents a writable one (`oneOf` the choices' enum and `BlankEnum`)."""
    schemas = result.get("components", {}).get("schemas", {})
    for component in generator.registry._components.values():
        if component.type != "schemas" or component.name not in schemas:
            continue
        if not isinstance(component.object, serializers.BaseSerializer) or not hasattr(
            component.object, "fields"
        ):
            continue
        properties = schemas[component.name].get("properties", {})
        for name in _blank_read_only_choices(component.object):
            schema = properties.get(name)
            if schema is None:
                continue
            if "oneOf" not in schema:
                annotations = {
                    key: schema.pop(key) for key in ("readOnly", "title", "description") if key in schema
                }
                choices = (
                    schema["allOf"][0] if list(schema) == ["allOf"] and len(schema["allOf"]) == 1 else schema
                )
                schema = properties[name] = {"oneOf": [choices], **annotations}
            if BLANK_ENUM_REF not in schema["oneOf"]:
                schema["oneOf"].append(dict(BLANK_ENUM_REF))
                schemas.setdefault("BlankEnum", {"enum": [""]})
    return result
