"""The API's photo and file downloads: the same `served` as the pages, behind the API's authentication (a
token, an API key or the session) and the row's scope."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action


def file_endpoint(summary, *, files: str, id_name: str, url_name: str):
    """GET /<rows>/{id}/<files>/{<id_name>}/ as a viewset action, with its schema: the stored bytes, in the
    type they were uploaded as. The action finds the file among the row's (`get_object` scopes the row)
    and answers `served(...)`."""

    def decorate(method):
        method = action(
            detail=True,
            methods=["get"],
            url_path=rf"{files}/(?P<{id_name}>[0-9]+)",
            url_name=url_name,
            filter_backends=[],
            pagination_class=None,
        )(method)
        return extend_schema(
            summary=summary,
            parameters=[OpenApiParameter(id_name, OpenApiTypes.INT, OpenApiParameter.PATH)],
            responses={
                (200, "*/*"): OpenApiResponse(
                    OpenApiTypes.BINARY,
                    description=_("The stored bytes, with the Content-Type they were accepted as."),
                )
            },
            filters=False,
        )(method)

    return decorate


def file_url(serializer, view_name: str, **kwargs) -> str:
    """The absolute URL of a download endpoint, as the serializer's request sees the server."""
    path = reverse(view_name, kwargs=kwargs)
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path
