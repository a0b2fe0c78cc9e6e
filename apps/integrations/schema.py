"""How the OpenAPI schema describes API keys: a security scheme listed only on the operations that accept
keys, that is, those whose view names a scope for the operation's method or action."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .scopes import required_scope


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.integrations.keys.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_requirement(self, auto_schema):
        if required_scope(auto_schema.view, auto_schema.method) is None:
            return None
        return {self.name: []}

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "For other systems: `Authorization: Api-Key <key>`, a key issued to the system's "
                    "integration client. Each operation that accepts keys needs one scope of the key "
                    "(cases.read, cases.create, cases.update or figures.read); the client's area limit "
                    "scopes what it reads and writes."
                )
            ),
        }
