"""The documented shape of the API's errors, and the one way the case and dispatch APIs declare an action
endpoint with its input, its answer and its refusals."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action

ERROR = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorBody",
            {
                "code": serializers.CharField(
                    help_text="validation_error, permission_denied, not_found, conflict …"
                ),
                "message": serializers.CharField(),
                "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
            },
        )
    },
)

# 400: the input is not valid (field errors); 403: the user may not take this action; 404: no such row in
# the user's scope; 409: the action does not fit the row as it stands now (someone acted first).
ACTION_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


def action_endpoint(summary, request, responses, **kwargs):
    """POST /<rows>/{id}/<action>/: `request` is the input serializer (None: no input), `responses` the
    answer serializer (200) or a {status: serializer} dict."""
    answer = responses if isinstance(responses, dict) else {200: responses}

    def decorate(method):
        method = action(detail=True, methods=["post"], serializer_class=request, **kwargs)(method)
        return extend_schema(summary=summary, request=request, responses={**answer, **ACTION_ERRORS})(method)

    return decorate
