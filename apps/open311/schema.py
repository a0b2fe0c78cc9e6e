"""How the OpenAPI schema describes GeoReport v2: its answers (the same data as JSON or XML, chosen by the
URL's `.json` or `.xml` ending), its errors (a list of {code, description}) and its `api_key` parameter.

The shapes are inline serializers, for the schema only: the views answer plain lists of dicts built by the
selectors, in the specification's names.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from apps.integrations.scopes import required_scope

API_KEY_SCHEME = "Open311ApiKey"
# GeoReport's two statuses (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] names them GeoReportStatusEnum).
STATUS_CHOICES = [("open", "open"), ("closed", "closed")]


class Open311KeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.open311.views.Open311KeyAuthentication"
    name = API_KEY_SCHEME

    def get_security_requirement(self, auto_schema):
        if required_scope(auto_schema.view, auto_schema.method) is None:
            return None
        return {self.name: []}

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "api_key",
            "description": str(
                _(
                    "GeoReport v2: the API key of an integration client as the api_key parameter (in the "
                    "query string, or in the form of POST requests)."
                )
            ),
        }


class GeoReportSchema(AutoSchema):
    """One operation per resource, method and format: `open311_requests_create_json` …"""

    @property
    def format(self) -> str:
        return "xml" if self.path.endswith(".xml") else "json"

    def get_operation_id(self):
        action = "create" if self.method == "POST" else "read"
        return f"open311_{self.view.schema_name}_{action}_{self.format}"

    def map_renderers(self, attribute):
        # A route answers in the one format its ending names.
        return [
            getattr(renderer, attribute).split(";")[0]
            for renderer in self.view.get_renderers()
            if renderer.format == self.format
        ]

    def get_tags(self):
        return ["open311"]

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        # drf-spectacular wraps list serializers in an array for 2xx answers only; GeoReport's errors are
        # lists as well.
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if status_code >= "400":
            for media in response.get("content", {}).values():
                media["schema"] = build_array_type(media["schema"])
        return response


def _many(name: str, fields: dict) -> serializers.ListSerializer:
    return inline_serializer(name=name, fields=fields, many=True)


ERRORS = _many(
    "Open311Error",
    {
        "code": serializers.IntegerField(help_text="The HTTP status."),
        "description": serializers.CharField(),
    },
)

SERVICES = _many(
    "Open311Service",
    {
        "service_code": serializers.CharField(),
        "service_name": serializers.CharField(),
        "description": serializers.CharField(),
        "metadata": serializers.BooleanField(),
        "type": serializers.CharField(),
        "keywords": serializers.CharField(),
        "group": serializers.CharField(),
    },
)

SERVICE_DEFINITION = inline_serializer(
    name="Open311ServiceDefinition",
    fields={
        "service_code": serializers.CharField(),
        "attributes": _many(
            "Open311Attribute",
            {
                "variable": serializers.BooleanField(),
                "code": serializers.CharField(),
                "datatype": serializers.CharField(),
                "required": serializers.BooleanField(),
                "datatype_description": serializers.CharField(),
                "order": serializers.IntegerField(),
                "description": serializers.CharField(),
                "values": _many(
                    "Open311AttributeValue", {"key": serializers.CharField(), "name": serializers.CharField()}
                ),
            },
        ),
    },
)

REQUESTS = _many(
    "Open311Request",
    {
        "service_request_id": serializers.CharField(),
        "status": serializers.ChoiceField(choices=STATUS_CHOICES),
        "status_notes": serializers.CharField(),
        "service_name": serializers.CharField(),
        "service_code": serializers.CharField(),
        "description": serializers.CharField(),
        "agency_responsible": serializers.CharField(),
        "service_notice": serializers.CharField(),
        "requested_datetime": serializers.CharField(),
        "updated_datetime": serializers.CharField(),
        "expected_datetime": serializers.CharField(allow_null=True),
        "address": serializers.CharField(),
        "address_id": serializers.CharField(),
        "zipcode": serializers.CharField(),
        "lat": serializers.FloatField(allow_null=True),
        "long": serializers.FloatField(allow_null=True),
        "media_url": serializers.CharField(),
    },
)

CREATED = _many(
    "Open311RequestCreated",
    {
        "service_request_id": serializers.CharField(),
        "token": serializers.CharField(),
        "service_notice": serializers.CharField(),
        "account_id": serializers.CharField(allow_null=True),
    },
)

TOKENS = _many(
    "Open311Token",
    {"service_request_id": serializers.CharField(), "token": serializers.CharField()},
)

UPDATES = _many(
    "Open311RequestUpdate",
    {
        "update_id": serializers.IntegerField(),
        "service_request_id": serializers.CharField(),
        "status": serializers.ChoiceField(choices=STATUS_CHOICES),
        "external_status_code": serializers.CharField(),
        "updated_datetime": serializers.CharField(),
        "description": serializers.CharField(),
        "media_url": serializers.CharField(),
    },
)

JURISDICTION = OpenApiParameter(
    "jurisdiction_id",
    OpenApiTypes.STR,
    description=_("Ignored unless the installation names its jurisdiction; then it must match."),
)
WINDOW = [
    OpenApiParameter(
        "start_date", OpenApiTypes.DATETIME, description=_("W3C date-time; default: 90 days before end_date.")
    ),
    OpenApiParameter("end_date", OpenApiTypes.DATETIME, description=_("W3C date-time; default: now.")),
]
FILTERS = [
    OpenApiParameter(
        "service_request_id",
        OpenApiTypes.STR,
        description=_("Comma-separated ids; the dates are then ignored."),
    ),
    OpenApiParameter("service_code", OpenApiTypes.STR, description=_("Comma-separated service codes.")),
    OpenApiParameter("status", OpenApiTypes.STR, description=_("Comma-separated: open, closed.")),
    *WINDOW,
]


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The refusals an operation can answer, in the specification's error shape."""
    descriptions = {
        400: _("A parameter is missing or not valid."),
        401: _("No API key, or a wrong, expired or revoked one."),
        403: _("The key lacks the scope, or the area lies outside its limit."),
        404: _("No such service, request or token, or none the key may read."),
        429: _("The key's rate limit is spent; see Retry-After."),
    }
    return {status: OpenApiResponse(ERRORS, description=descriptions[status]) for status in statuses}


KEYED_ERRORS = (400, 401, 403, 429)
