"""The base of every scoped API viewset: reads through `restrict(user, "view")`, writes only on rows in
`restrict(user, "change")`.

A concrete viewset names its queryset (with its select_related/prefetch_related), serializer and
filterset; the scoping is applied here, once. Writes go through the serializers' `create`/`update`, which
call the services; a service's ValidationError becomes a 400 in `apps.core.api.errors.exception_handler`.
"""

from rest_framework import mixins
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.viewsets import GenericViewSet

from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.core.submissions import answered_once


class ScopedWritePermission(BasePermission):
    """Writing needs "<resource>.change" somewhere (403 otherwise); changing a row needs the row in
    `restrict(user, "change")`. A row the user cannot see never gets here: it is a 404 already."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        resource = view.queryset.model.scope_resource
        return user_scope(request.user).allows(f"{resource}.{CHANGE}")

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return view.queryset.restrict(request.user, CHANGE).filter(pk=obj.pk).exists()


class ScopedViewSet(GenericViewSet):
    permission_classes = [IsAuthenticated, ScopedWritePermission]
    # Updates are partial: services take the fields that change, never a whole replacement.
    http_method_names = ["get", "post", "patch", "head", "options"]
    # The serializers of actions whose fields differ from `serializer_class` ("partial_update": …).
    serializer_classes: dict = {}
    # What `?ordering=` may sort by: only what a viewset names. DRF's default, every readable field,
    # would let a caller sort by a value shown masked (a resident's name) and so read its order.
    ordering_fields: list[str] = ["id"]

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, VIEW)

    def get_serializer_class(self):
        return self.serializer_classes.get(self.action, super().get_serializer_class())

    def validated(self, request) -> dict:
        """The input of an action, checked by the action's serializer."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class CreateOnceModelMixin(mixins.CreateModelMixin):
    """DRF's create through the serializer, answered once per Idempotency-Key (apps.core.submissions). A
    viewset that writes its own `create` decorates it with `answered_once` instead."""

    create = answered_once(mixins.CreateModelMixin.create)
