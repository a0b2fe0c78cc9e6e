"""What an API key may do: four scopes, each a set of endpoints.

An endpoint that other systems may call names the scope each method, or each viewset action, needs in
`key_scopes` ({"GET": CASES_READ, "create": CASES_CREATE}: an action's entry wins over its method's); an
endpoint without it, and a method or action it does not name, refuses every API key. The area a key
reaches is not a scope: it is the client's area limit, applied by `restrict()` through the client's system
account like any user's area.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyScope(models.TextChoices):
    CASES_READ = "cases.read", _("read cases")
    CASES_CREATE = "cases.create", _("create cases")
    CASES_UPDATE = "cases.update", _("update case status")
    FIGURES_READ = "figures.read", _("read figures")


# For endpoints any key may call whatever its scopes (a key asking about itself).
ANY_SCOPE = "*"


def required_scope(view, method: str) -> str | None:
    """The scope `view` asks of an API key for `method`; None when keys may not call it at all."""
    scopes = getattr(view, "key_scopes", None)
    if not scopes:
        return None
    if isinstance(scopes, str):
        return scopes
    action = getattr(view, "action", None)
    if action and action in scopes:
        return scopes[action]
    if method in {"HEAD", "OPTIONS"}:
        method = "GET"
    return scopes.get(method)
