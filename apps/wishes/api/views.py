from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response

from apps.cases.api.schema import action_endpoint
from apps.core.api.viewsets import CreateOnceModelMixin, ScopedViewSet
from apps.wishes import services
from apps.wishes.filters import WishFilterSet
from apps.wishes.models import MicroWish

from .serializers import (
    WishClaimSerializer,
    WishDetailSerializer,
    WishFulfilSerializer,
    WishNoteSerializer,
    WishRateSerializer,
    WishSerializer,
    WishWithdrawSerializer,
)


def wish_action(summary, request=None):
    """A lifecycle action, answering the wish as it is after the action."""
    return action_endpoint(summary, request, WishDetailSerializer)


@extend_schema_view(
    list=extend_schema(summary=_("List micro wishes")),
    retrieve=extend_schema(summary=_("A micro wish with its timeline")),
    create=extend_schema(summary=_("Post a resident's micro wish (with the resident's consent)")),
)
class WishViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateOnceModelMixin, ScopedViewSet):
    """Micro wishes (微心愿) in the user's scope, and one endpoint per lifecycle action. Every action needs
    "cogov.change" over the wish (403 otherwise); a wish out of scope is 404; an action that does not fit
    the wish's state now (already claimed, not fulfilled …) is 409."""

    ordering_fields = ["created_at", "claim_by", "fulfil_by"]
    queryset = MicroWish.objects.select_related("member", "organisation", "partner_unit")
    serializer_class = WishSerializer
    serializer_classes = {"retrieve": WishDetailSerializer}
    filterset_class = WishFilterSet

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset.prefetch_related("events__actor")
        return queryset

    def _answer(self, wish: MicroWish) -> Response:
        fresh = self.get_queryset().get(pk=wish.pk)
        return Response(WishDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @wish_action(_("Record a claim by a party member, organisation or partner unit"), WishClaimSerializer)
    def claim(self, request, pk=None):
        wish = self.get_object()
        data = self.validated(request)
        claimant = {key: data.get(key) for key in ("member", "organisation", "partner_unit")}
        wish = services.wish_claim(
            actor=request.user, wish=wish, fulfil_by=data.get("fulfil_by"), note=data["note"], **claimant
        )
        return self._answer(wish)

    @wish_action(_("Record that the claimant fulfilled the wish"), WishFulfilSerializer)
    def fulfil(self, request, pk=None):
        wish = self.get_object()
        data = self.validated(request)
        return self._answer(services.wish_fulfil(actor=request.user, wish=wish, note=data["note"]))

    @wish_action(_("Confirm a fulfilled wish"), WishNoteSerializer)
    def confirm(self, request, pk=None):
        wish = self.get_object()
        data = self.validated(request)
        return self._answer(services.wish_confirm(actor=request.user, wish=wish, note=data["note"]))

    @wish_action(_("Record the resident's thanks or rating (once, after confirmation)"), WishRateSerializer)
    def rate(self, request, pk=None):
        wish = self.get_object()
        data = self.validated(request)
        wish = services.wish_rate(
            actor=request.user, wish=wish, rating=data.get("rating"), thanks=data["thanks"]
        )
        return self._answer(wish)

    @wish_action(_("Withdraw a posted or claimed wish, with the reason"), WishWithdrawSerializer)
    def withdraw(self, request, pk=None):
        wish = self.get_object()
        data = self.validated(request)
        return self._answer(services.wish_withdraw(actor=request.user, wish=wish, reason=data["reason"]))
