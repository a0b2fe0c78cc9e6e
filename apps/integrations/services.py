"""Registering integration clients and issuing, rotating and revoking their API keys.

Only superusers manage clients (in the admin): a client's area limit can be a whole district, and its
keys act without a person behind them.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import ROLE_LEVELS, Role
from apps.accounts.scope import forget_scope
from apps.areas.services import place_row
from apps.core.db import save_or_refuse

from .keys import key_generate, key_hash
from .models import ApiKey, IntegrationClient
from .scopes import KeyScope

ROTATION_GRACE = timedelta(hours=24)


def _require_superuser(actor) -> None:
    if actor is not None and not actor.is_superuser:
        raise ValidationError(_("Only system administrators manage integration clients."))


def _checked(*, name: str, code: str, area, scopes, rate_limit: int) -> dict:
    errors = {}
    if not name.strip():
        errors["name"] = _("Name the system.")
    if area is None:
        errors["area"] = _("Choose the area the client is limited to.")
    elif area.level not in ROLE_LEVELS[Role.INTEGRATION]:
        errors["area"] = _("The area limit is a district, a street or a community.")
    elif not area.is_active:
        errors["area"] = _("This area has been retired.")
    unknown = [scope for scope in scopes if scope not in KeyScope.values]
    if unknown:
        errors["scopes"] = _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(map(str, unknown))}
    elif not scopes:
        errors["scopes"] = _("Give the client at least one scope.")
    if rate_limit < 1:
        errors["rate_limit"] = _("The rate limit is at least one call per minute.")
    if errors:
        raise ValidationError(errors)
    return {"name": name.strip(), "code": code.strip(), "area": area, "scopes": sorted(set(scopes))}


@transaction.atomic
def client_register(
    *,
    actor,
    name: str,
    code: str,
    area,
    scopes: list[str],
    rate_limit: int = 600,
    description: str = "",
    contact: str = "",
) -> IntegrationClient:
    """Register a system: its client row, its system account (no password, no sign-in) and that
    account's `integration` role for the area limit."""
    _require_superuser(actor)
    fields = _checked(name=name, code=code, area=area, scopes=scopes, rate_limit=rate_limit)
    user = User(username=f"integration:{fields['code']}"[:150], full_name=fields["name"][:150])
    user.set_unusable_password()
    save_or_refuse(user, {"code": _("A client with this code is already registered.")})
    client = IntegrationClient(
        **fields,
        rate_limit=rate_limit,
        description=description.strip(),
        contact=contact.strip()[:200],
        user=user,
        created_by=actor,
    )
    client.full_clean(exclude=["user"])
    save_or_refuse(client, {"name": _("A client with this name or code is already registered.")})
    _place(client, actor)
    return client


def _place(client: IntegrationClient, actor) -> None:
    """Give the system account the `integration` role for the client's area limit, and only that."""
    now = timezone.now()
    held = RoleAssignment.objects.active().filter(user=client.user, role=Role.INTEGRATION)
    held.exclude(area=client.area).update(revoked_at=now, revoked_by=actor)
    if not held.filter(area=client.area).exists():
        assignment = RoleAssignment(
            user=client.user, role=Role.INTEGRATION, area=client.area, granted_by=actor
        )
        place_row(assignment, client.area)
        assignment.save()
    forget_scope(client.user)


@transaction.atomic
def client_update(
    *,
    actor,
    client: IntegrationClient,
    name: str,
    area,
    scopes: list[str],
    rate_limit: int,
    is_active: bool,
    description: str = "",
    contact: str = "",
) -> IntegrationClient:
    """Change a client; a new area limit moves its system account's role, and deactivating it stops all
    its keys at once (and its system account)."""
    _require_superuser(actor)
    fields = _checked(name=name, code=client.code, area=area, scopes=scopes, rate_limit=rate_limit)
    client.name = fields["name"]
    client.area = fields["area"]
    client.scopes = fields["scopes"]
    client.rate_limit = rate_limit
    client.is_active = is_active
    client.description = description.strip()
    client.contact = contact.strip()[:200]
    client.full_clean(exclude=["user"])
    save_or_refuse(client, {"name": _("A client with this name is already registered.")})
    _place(client, actor)
    User.objects.filter(pk=client.user_id).update(is_active=is_active)
    return client


@transaction.atomic
def key_issue(*, actor, client: IntegrationClient) -> tuple[ApiKey, str]:
    """A new key for the client: the row, and the key itself, which is shown once and never stored."""
    _require_superuser(actor)
    if not client.is_active:
        raise ValidationError(_("This client is deactivated: activate it before issuing keys."))
    raw, prefix = key_generate()
    key = ApiKey.objects.create(client=client, prefix=prefix, hashed=key_hash(raw), created_by=actor)
    return key, raw


@transaction.atomic
def key_rotate(*, actor, key: ApiKey, grace: timedelta = ROTATION_GRACE) -> tuple[ApiKey, str]:
    """A new key replacing `key`, which keeps working for `grace` (so the client can switch without
    a gap) and then stops."""
    _require_superuser(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if not key.is_usable():
        raise ValidationError(_("This key is already revoked or expired: issue a new one instead."))
    new_key, raw = key_issue(actor=actor, client=key.client)
    expires = timezone.now() + grace
    if key.expires_at is None or key.expires_at > expires:
        key.expires_at = expires
        key.save(update_fields=["expires_at"])
    return new_key, raw


@transaction.atomic
def key_revoke(*, actor, key: ApiKey) -> ApiKey:
    """Stop a key now."""
    _require_superuser(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise ValidationError(_("This key is already revoked."))
    key.revoked_at = timezone.now()
    key.revoked_by = actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    return key
