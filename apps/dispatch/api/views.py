from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from apps.accounts.scope import user_scope
from apps.cases.api.schema import ERROR, action_endpoint
from apps.core.api.viewsets import ScopedViewSet
from apps.core.submissions import answered_once
from apps.dispatch import services
from apps.dispatch.models import (
    Deadline,
    DispatchOrder,
    Escalation,
    ExtensionRequest,
    SlaPolicy,
    Supervision,
    Whistle,
)
from apps.dispatch.selectors import ORDER_BUCKETS, order_inbox, order_inbox_counts, supervisions_visible
from apps.dispatch.services import rating_permission

from .filters import (
    EscalationFilterSet,
    ExtensionRequestFilterSet,
    OrderFilterSet,
    SlaPolicyFilterSet,
    SupervisionFilterSet,
    WhistleFilterSet,
)
from .serializers import (
    EscalationSerializer,
    ExtensionAskSerializer,
    ExtensionDecideSerializer,
    ExtensionRequestSerializer,
    OrderAcceptSerializer,
    OrderDetailSerializer,
    OrderInboxSerializer,
    OrderResolveSerializer,
    OrderReturnSerializer,
    OrderSerializer,
    ResponseRateSerializer,
    SlaPolicySerializer,
    SupervisionSerializer,
    WhistleSerializer,
)

# What a department's handlers do on their own department's orders.
HANDLER_ACTIONS = {"accept", "resolve", "return_", "extension"}


class MayActOnOrder(BasePermission):
    """Reading needs the order in the user's scope (404 otherwise). Signing, checking in, resolving,
    returning and asking for time are for the handlers of the order's department; rating is for the
    level that called it (403 otherwise). The services check the same again."""

    def has_permission(self, request, view) -> bool:
        scope = user_scope(request.user)
        if view.action in HANDLER_ACTIONS:
            return scope.allows("order.handle")
        if view.action == "rate":
            return scope.allows("case.triage") or scope.allows("case.whistle")
        return True

    def has_object_permission(self, request, view, order) -> bool:
        scope = user_scope(request.user)
        if view.action in HANDLER_ACTIONS:
            return scope.unrestricted or order.department_id in scope.departments("order.handle")
        if view.action == "rate":
            return scope.holds(rating_permission(order), order.dispatching_area)
        return True


def order_action(summary, request, responses=OrderDetailSerializer, **kwargs):
    """An action on an order, answering the order as it is after the action unless said otherwise."""
    return action_endpoint(summary, request, responses, **kwargs)


def with_deadlines(queryset):
    return queryset.select_related("suggested_department").prefetch_related(
        Prefetch("deadlines", queryset=Deadline.objects.select_related("policy"))
    )


@extend_schema_view(
    list=extend_schema(summary=_("List dispatch orders")),
    retrieve=extend_schema(summary=_("A dispatch order with its deadlines")),
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Dispatch orders on cases in the user's scope, and the orders of the user's own departments."""

    queryset = DispatchOrder.objects.select_related("case", "department", "policy", "dispatching_area")
    serializer_class = OrderDetailSerializer
    filterset_class = OrderFilterSet
    ordering_fields = ["created_at"]
    permission_classes = [IsAuthenticated, MayActOnOrder]
    serializer_classes = {"list": OrderSerializer}

    def get_queryset(self):
        bucket = self.request.query_params.get("bucket")
        if self.action == "list" and bucket in ORDER_BUCKETS:
            return order_inbox(self.request.user, bucket).select_related("policy")
        queryset = super().get_queryset()
        return with_deadlines(queryset) if self.action == "retrieve" else queryset

    def _answer(self, order: DispatchOrder) -> Response:
        fresh = with_deadlines(self.queryset).get(pk=order.pk)
        return Response(OrderDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @order_action(_("Sign for an order, or check in to a whistle"), OrderAcceptSerializer)
    def accept(self, request, pk=None):
        order = self.get_object()
        data = self.validated(request)
        return self._answer(services.order_accept(order=order, actor=request.user, note=data["note"]))

    @order_action(_("Report what the department did"), OrderResolveSerializer)
    def resolve(self, request, pk=None):
        order = self.get_object()
        data = self.validated(request)
        order = services.order_resolve(
            order=order, actor=request.user, account=data["account"], photos=data["photos"]
        )
        return self._answer(order)

    @order_action(
        _("Return an order that is not the department's"),
        OrderReturnSerializer,
        url_path="return",
        url_name="return",
    )
    def return_(self, request, pk=None):
        order = self.get_object()
        data = self.validated(request)
        order = services.order_return(
            order=order,
            actor=request.user,
            grounds=data["grounds"],
            suggested_department=data.get("suggested_department"),
            suggested_owner=data["suggested_owner"],
        )
        return self._answer(order)

    @order_action(
        _("Ask for more time before the deadline"), ExtensionAskSerializer, {201: ExtensionRequestSerializer}
    )
    def extension(self, request, pk=None):
        order = self.get_object()
        data = self.validated(request)
        asked = services.extension_request(
            order=order, actor=request.user, minutes=data["minutes"], reason=data["reason"]
        )
        asked = extension_requests().get(pk=asked.pk)
        context = self.get_serializer_context()
        return Response(ExtensionRequestSerializer(asked, context=context).data, status.HTTP_201_CREATED)

    @order_action(_("Rate how the department answered"), ResponseRateSerializer)
    def rate(self, request, pk=None):
        order = self.get_object()
        data = self.validated(request)
        order = services.order_rate_response(
            order=order, actor=request.user, rating=data["rating"], comment=data["comment"]
        )
        return self._answer(order)

    @extend_schema(
        summary=_("How many of my departments' orders are in each bucket of the inbox"),
        responses=OrderInboxSerializer,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def inbox(self, request):
        return Response(OrderInboxSerializer(order_inbox_counts(request.user)).data)


def extension_requests():
    return ExtensionRequest.objects.select_related(
        "order__case", "order__department", "order__dispatching_area", "requested_by", "decided_by"
    )


class MayDecideExtension(BasePermission):
    """The level that dispatched decides (403 for others who see the request)."""

    def has_permission(self, request, view) -> bool:
        return view.action != "decide" or user_scope(request.user).allows("case.triage")

    def has_object_permission(self, request, view, extension) -> bool:
        if view.action != "decide":
            return True
        return user_scope(request.user).holds("case.triage", extension.order.dispatching_area)


@extend_schema_view(
    list=extend_schema(summary=_("List extension requests")),
    retrieve=extend_schema(summary=_("An extension request")),
)
class ExtensionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Requests for more time on the orders the user sees."""

    queryset = ExtensionRequest.objects.all()
    serializer_class = ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilterSet
    ordering_fields = ["requested_at"]
    permission_classes = [IsAuthenticated, MayDecideExtension]

    def get_queryset(self):
        return extension_requests().filter(
            order__in=DispatchOrder.objects.restrict(self.request.user).values("pk")
        )

    @action_endpoint(
        _("Approve or refuse an extension request"), ExtensionDecideSerializer, ExtensionRequestSerializer
    )
    def decide(self, request, pk=None):
        extension = self.get_object()
        data = self.validated(request)
        extension = services.extension_decide(
            request=extension, actor=request.user, approve=data["approve"], note=data["note"]
        )
        fresh = extension_requests().get(pk=extension.pk)
        return Response(ExtensionRequestSerializer(fresh, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary=_("List whistles")),
    retrieve=extend_schema(summary=_("A whistle with the departments it called")),
)
class WhistleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Whistles blown in the user's scope."""

    queryset = Whistle.objects.select_related("case", "area", "blown_by").prefetch_related(
        Prefetch("orders", queryset=DispatchOrder.objects.select_related("department").order_by("id"))
    )
    serializer_class = WhistleSerializer
    filterset_class = WhistleFilterSet
    ordering_fields = ["created_at"]


@extend_schema_view(list=extend_schema(summary=_("List supervisions")))
class SupervisionViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Supervisions (督办) issued on cases in the user's scope."""

    queryset = Supervision.objects.all()
    serializer_class = SupervisionSerializer
    filterset_class = SupervisionFilterSet
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return supervisions_visible(self.request.user)


class SuperusersWrite(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or request.user.is_superuser


@extend_schema_view(
    list=extend_schema(summary=_("List SLA policies, every version")),
    retrieve=extend_schema(summary=_("One version of an SLA policy")),
    create=extend_schema(
        summary=_("Write the next version of an SLA policy (superusers)"),
        responses={201: SlaPolicySerializer, 400: ERROR, 403: ERROR},
    ),
)
class SlaPolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The time limits of orders. Every signed-in user reads them; a change writes a new version, and
    orders keep the version they were dispatched under."""

    queryset = SlaPolicy.objects.select_related("created_by")
    serializer_class = SlaPolicySerializer
    filterset_class = SlaPolicyFilterSet
    permission_classes = [IsAuthenticated, SuperusersWrite]

    def get_queryset(self):
        # The same for everyone signed in: policies are not placed in areas.
        return self.queryset.all()

    @answered_once
    def create(self, request):
        data = self.validated(request)
        policy = services.sla_policy_revise(
            actor=request.user,
            kind=data["kind"],
            category=data.get("category"),
            level=data.get("level"),
            accept_minutes=data["accept_minutes"],
            accept_clock=data["accept_clock"],
            resolve_minutes=data["resolve_minutes"],
            resolve_clock=data["resolve_clock"],
            warn_percents=data["warn_percents"],
            note=data.get("note", ""),
        )
        return Response(
            SlaPolicySerializer(policy, context=self.get_serializer_context()).data, status.HTTP_201_CREATED
        )


@extend_schema_view(list=extend_schema(summary=_("List escalations")))
class EscalationViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Missed whistle limits taken a level up, on the orders the user sees."""

    queryset = Escalation.objects.select_related("order__department")
    serializer_class = EscalationSerializer
    filterset_class = EscalationFilterSet
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return self.queryset.filter(order__in=DispatchOrder.objects.restrict(self.request.user).values("pk"))
