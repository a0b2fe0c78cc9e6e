"""Open311 GeoReport v2 under /open311/v2/ (docs/open311.md).

Every call but the services list and a service's definition needs an integration client's API key, sent
as the `api_key` parameter (or in the `Authorization: Api-Key` header like the rest of the API). The key
goes through `ApiKeyAuthentication.authenticate_raw`, which checks the scope the view's `key_scopes`
names for the method, applies the key's rate limit and logs the call; the client's system account then
reads and writes through `restrict()` like a person.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView

from apps.integrations.keys import ApiKeyAuthentication
from apps.integrations.scopes import KeyScope

from . import schema, selectors
from .formats import Open311JSONRenderer, Open311Response, Open311XMLRenderer, parse_w3c
from .schema import GeoReportSchema
from .serializers import RequestReportSerializer
from .services import open311_request_create

# Without dates, GET requests and GET servicerequestupdates answer the last 90 days, as the spec says.
DEFAULT_WINDOW = timedelta(days=90)
# The parameter a service's field error is about, in the specification's names.
PARAMETERS = {
    "category": "service_code",
    "longitude": "long",
    "latitude": "lat",
    "address": "address_string",
    "reporter_phone": "phone",
    "reporter_name": "first_name",
    "title": "description",
}


class Open311KeyAuthentication(ApiKeyAuthentication):
    """The key as GeoReport sends it: the `api_key` parameter, in the query string or the POSTed form."""

    def authenticate(self, request):
        raw = request.query_params.get("api_key")
        if not raw and request.method == "POST":
            raw = request.data.get("api_key")
        if not raw:
            return None
        return self.authenticate_raw(request, raw)

    def authenticate_header(self, request):
        return 'Api-Key realm="open311"'


def _descriptions(exc) -> list[str]:
    if isinstance(exc, DjangoValidationError):
        if not hasattr(exc, "error_dict"):
            return list(exc.messages)
        return [
            message if field == NON_FIELD_ERRORS else f"{PARAMETERS.get(field, field)}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    detail = exc.detail
    if isinstance(detail, dict):
        return [
            str(message) if field == "non_field_errors" else f"{field}: {message}"
            for field, messages in detail.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    if isinstance(detail, list):
        return [str(message) for message in detail]
    return [str(detail)]


def georeport_exception_handler(exc, context):
    """Every refusal as the specification writes errors: a list of {code, description}, the code being
    the HTTP status."""
    if isinstance(exc, exceptions.NotAuthenticated):
        exc.detail = _("This call needs an API key: send it as the api_key parameter.")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        status = 400
    elif isinstance(exc, exceptions.APIException):
        status = exc.status_code
    else:
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    errors = [{"code": status, "description": text} for text in _descriptions(exc)]
    return Open311Response(errors, root="errors", status=status, headers=headers)


class GeoReportView(APIView):
    authentication_classes = [Open311KeyAuthentication, ApiKeyAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [Open311XMLRenderer, Open311JSONRenderer]
    parser_classes = [FormParser, MultiPartParser]
    key_scopes = {"GET": KeyScope.CASES_READ}
    schema = GeoReportSchema()

    def get_exception_handler(self):
        return georeport_exception_handler

    def initial(self, request, *args, **kwargs):
        # Like the rest of the API (apps.core.middleware.LanguageMiddleware), and unlike pages, a client's
        # Accept-Language chooses the language of the answers.
        translation.activate(translation.get_language_from_request(request._request))
        super().initial(request, *args, **kwargs)
        self.check_jurisdiction(request)

    @staticmethod
    def check_jurisdiction(request) -> None:
        """One installation is one jurisdiction: jurisdiction_id is ignored unless
        GRIDGOV_OPEN311_JURISDICTION names it, and then it must match when given."""
        expected = getattr(settings, "GRIDGOV_OPEN311_JURISDICTION", "")
        given = request.query_params.get("jurisdiction_id") or (
            request.data.get("jurisdiction_id") if request.method == "POST" else None
        )
        if expected and given and given != expected:
            raise DjangoValidationError({"jurisdiction_id": _("Unknown jurisdiction_id.")})

    def window(self) -> tuple:
        params = self.request.query_params
        start = parse_w3c(params["start_date"], "start_date") if params.get("start_date") else None
        end = parse_w3c(params["end_date"], "end_date") if params.get("end_date") else None
        if start is None:
            start = (end or timezone.now()) - DEFAULT_WINDOW
        if end is not None and end < start:
            raise DjangoValidationError({"end_date": _("end_date comes before start_date.")})
        return start, end


def _listed(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class ServiceListView(GeoReportView):
    """GET services: the active case categories. Public, as in the specification: no key needed."""

    schema_name = "services"

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[schema.JURISDICTION],
        responses={200: schema.SERVICES, **schema.errors(400)},
    )
    def get(self, request, **kwargs):
        return Open311Response(selectors.services(), root="services")


class ServiceDefinitionView(ServiceListView):
    schema_name = "service_definition"

    @extend_schema(
        parameters=[schema.JURISDICTION],
        responses={200: schema.SERVICE_DEFINITION, **schema.errors(400, 404)},
    )
    def get(self, request, service_code, **kwargs):
        definition = selectors.service_definition(service_code)
        if definition is None:
            raise exceptions.NotFound(_("Unknown service_code."))
        return Open311Response(definition, root="service_definition")


class RequestListView(GeoReportView):
    """GET requests (filtered as the specification says) and POST a request."""

    schema_name = "requests"

    key_scopes = {"GET": KeyScope.CASES_READ, "POST": KeyScope.CASES_CREATE}

    @extend_schema(
        parameters=[schema.JURISDICTION, *schema.FILTERS],
        responses={200: schema.REQUESTS, **schema.errors(*schema.KEYED_ERRORS)},
    )
    def get(self, request, **kwargs):
        params = request.query_params
        ids = _listed(params.get("service_request_id"))
        statuses = _listed(params.get("status"))
        unknown = [status for status in statuses if status not in selectors.GEOREPORT_STATUSES]
        if unknown:
            raise DjangoValidationError({"status": _("A status is open or closed.")})
        start, end = (None, None) if ids else self.window()
        cases = selectors.requests_found(
            request.user,
            ids=ids,
            service_codes=_listed(params.get("service_code")),
            statuses=statuses,
            start=start,
            end=end,
        )
        return Open311Response([selectors.request_row(case) for case in cases], root="service_requests")

    @extend_schema(
        parameters=[schema.JURISDICTION],
        request={
            "application/x-www-form-urlencoded": RequestReportSerializer,
            "multipart/form-data": RequestReportSerializer,
        },
        responses={201: schema.CREATED, **schema.errors(*schema.KEYED_ERRORS)},
    )
    def post(self, request, **kwargs):
        serializer = RequestReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = open311_request_create(client=request.auth.client, report=serializer.report())
        answer = {
            "service_request_id": case.serial,
            "token": selectors.token_for(case),
            "service_notice": "",
            "account_id": None,
        }
        return Open311Response([answer], root="service_requests", status=201)


class RequestDetailView(GeoReportView):
    schema_name = "request"

    @extend_schema(
        parameters=[schema.JURISDICTION],
        responses={200: schema.REQUESTS, **schema.errors(*schema.KEYED_ERRORS, 404)},
    )
    def get(self, request, service_request_id, **kwargs):
        case = selectors.request_found(request.user, service_request_id)
        if case is None:
            raise exceptions.NotFound(_("No such service request."))
        return Open311Response([selectors.request_row(case)], root="service_requests")


class TokenView(GeoReportView):
    schema_name = "token"

    @extend_schema(
        parameters=[schema.JURISDICTION],
        responses={200: schema.TOKENS, **schema.errors(*schema.KEYED_ERRORS, 404)},
    )
    def get(self, request, token, **kwargs):
        serial = selectors.serial_of_token(token)
        case = selectors.request_found(request.user, serial) if serial else None
        if case is None:
            raise exceptions.NotFound(_("No such token."))
        return Open311Response([{"service_request_id": case.serial, "token": token}], root="service_requests")


class UpdateListView(GeoReportView):
    """GET servicerequestupdates (the extension FixMyStreet and others use): the public timeline entries
    of the cases the key sees, between start_date and end_date."""

    schema_name = "updates"

    @extend_schema(
        parameters=[schema.JURISDICTION, *schema.WINDOW],
        responses={200: schema.UPDATES, **schema.errors(*schema.KEYED_ERRORS)},
    )
    def get(self, request, **kwargs):
        start, end = self.window()
        updates = selectors.updates_found(request.user, start=start, end=end or timezone.now())
        return Open311Response(updates, root="service_request_updates")
