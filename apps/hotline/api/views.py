"""The hotline's endpoints (API key only) and the triage queue's (staff: token or session).

The hotline delivers work orders and asks about them by its own serial number, which is looked up among the
calling client's orders only: another client's serial answers 404 like an unknown one.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.scope import user_scope
from apps.cases.api.schema import ERROR, action_endpoint
from apps.core.api.parsers import JSONBodyParser
from apps.core.api.viewsets import ScopedViewSet
from apps.hotline import selectors, services
from apps.hotline.filters import OrderFilterSet
from apps.hotline.models import HotlineOrder
from apps.integrations.keys import ApiKeyAuthentication
from apps.integrations.scopes import KeyScope

from .serializers import (
    REQUEST_EXAMPLES,
    OrderRatingSerializer,
    OrderReceiptSerializer,
    OrderReceiveSerializer,
    OrderStatusSerializer,
    TriageOrderSerializer,
    TriageRejectSerializer,
    TriageResolveSerializer,
    WithdrawSerializer,
)

RECEIPT_EXAMPLES = [
    OpenApiExample(
        _("Received: it is mapped moments later (202)"),
        response_only=True,
        status_codes=["202"],
        value={
            "serial": "12345-20261123-000187",
            "state": "received",
            "state_label": "received, being mapped",
            "triage_reason": "",
            "triage_reason_label": "",
            "received_at": "2026-11-23T09:30:00+08:00",
            "case": None,
            "withdrawn_at": None,
            "duplicate": False,
            "payload_differs": False,
            "message": "The order has been received; its case follows within seconds.",
        },
    ),
    OpenApiExample(
        _("Sent before: nothing written (200)"),
        response_only=True,
        status_codes=["200"],
        value={
            "serial": "12345-20261123-000187",
            "state": "mapped",
            "state_label": "case created",
            "triage_reason": "",
            "triage_reason_label": "",
            "received_at": "2026-11-23T09:30:00+08:00",
            "case": {
                "id": 4711,
                "url": "https://gridgov.example/api/v1/cases/4711/",
                "serial": "202611230004711",
                "title": "小区门口垃圾堆放",
                "status": "reported",
                "status_label": "waiting for acceptance",
            },
            "withdrawn_at": None,
            "duplicate": True,
            "payload_differs": False,
            "message": "This serial number was received before: nothing new was written.",
        },
    ),
]


class KeyOnlyView(APIView):
    """Called by the hotline with its API key; a person's token or session is not accepted here."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticated]

    def client(self, request):
        return request.auth.client

    def status_answer(self, order: HotlineOrder) -> Response:
        order.deadline = selectors.order_deadline(order)
        return Response(OrderStatusSerializer(order, context={"request": self.request}).data)


class OrderReceiveView(KeyOnlyView):
    key_scopes = {"POST": KeyScope.CASES_CREATE}
    parser_classes = [JSONBodyParser]

    @extend_schema(
        summary=_("Deliver a work order from the 12345 hotline"),
        description=_(
            "The order is kept as sent and answered 202 at once (state `received`); moments later it is "
            "mapped: an order whose category code and area code both map becomes a case (state `mapped`, "
            "webhook event case.created), any other waits in the triage queue (state `triage`, with the "
            "reason), never dropped. Ask GET /orders/{serial}/ or subscribe to the webhooks to follow it. "
            "Idempotent by the serial number: a repeated serial writes nothing and answers 200 with the "
            "order as it stands (`duplicate`, and `payload_differs` when the payload is not the same)."
        ),
        request=OrderReceiveSerializer,
        responses={
            202: OrderReceiptSerializer,
            200: OrderReceiptSerializer,
            400: ERROR,
            401: ERROR,
            403: ERROR,
        },
        examples=[*REQUEST_EXAMPLES, *RECEIPT_EXAMPLES],
    )
    def post(self, request):
        serializer = OrderReceiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        receipt = services.order_accept(
            client=self.client(request), payload=request.data, **serializer.validated_data
        )
        code = status.HTTP_202_ACCEPTED if receipt.created else status.HTTP_200_OK
        context = {"request": request, "receipt": receipt}
        return Response(OrderReceiptSerializer(receipt.order, context=context).data, code)


class OrderDetailView(KeyOnlyView):
    key_scopes = {"GET": KeyScope.CASES_READ}

    @extend_schema(
        summary=_("Where a work order stands"),
        description=_("The order's state, its case's serial number and status, and the next deadline."),
        responses={200: OrderStatusSerializer, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def get(self, request, serial: str):
        return self.status_answer(selectors.client_order(self.client(request), serial))


class OrderWithdrawView(KeyOnlyView):
    key_scopes = {"POST": KeyScope.CASES_UPDATE}
    parser_classes = [JSONBodyParser]

    @extend_schema(
        summary=_("Withdraw a work order"),
        description=_(
            "Allowed until the case is closed. A case still waiting for acceptance is rejected with the "
            "reason; a case already being worked on carries the withdrawal on its timeline. Withdrawing "
            "again answers 200 and changes nothing; a closed case or a rejected order answers 409."
        ),
        request=WithdrawSerializer,
        responses={200: OrderStatusSerializer, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request, serial: str):
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_withdraw(
            client=self.client(request), serial=serial, reason=data.validated_data["reason"]
        )
        return self.status_answer(order)


class OrderRatingView(KeyOnlyView):
    key_scopes = {"POST": KeyScope.CASES_UPDATE}
    parser_classes = [JSONBodyParser]

    @extend_schema(
        summary=_("Relay the caller's rating of a closed case"),
        description=_(
            "The verdict the hotline took down on its call-back. Dissatisfied reopens the case. A case "
            "not yet closed, already rated, or an order without a case answers 409."
        ),
        request=OrderRatingSerializer,
        responses={200: OrderStatusSerializer, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request, serial: str):
        data = OrderRatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_rate(client=self.client(request), serial=serial, **data.validated_data)
        return self.status_answer(order)


class MayTriage(BasePermission):
    """The triage queue is for staff who triage cases somewhere (403 otherwise); an order outside their
    areas is a 404."""

    def has_permission(self, request, view) -> bool:
        return user_scope(request.user).allows("case.triage")


class TriageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The hotline orders waiting to be mapped by hand, where the user triages cases."""

    queryset = HotlineOrder.objects.select_related("client", "area", "category", "case", "resolved_by")
    serializer_class = TriageOrderSerializer
    filterset_class = OrderFilterSet
    ordering_fields = ["received_at"]
    permission_classes = [IsAuthenticated, MayTriage]

    def get_queryset(self):
        queryset = self.queryset.restrict(self.request.user, "triage").placed()
        if self.action == "list" and "state" not in self.request.query_params:
            return queryset.waiting()
        return queryset

    def _answer(self, order: HotlineOrder) -> Response:
        fresh = self.queryset.get(pk=order.pk)
        return Response(TriageOrderSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("The triage queue of hotline orders"),
        description=_("Waiting orders by default; `state` lists the handled ones instead."),
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary=_("A hotline order as received"))
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @action_endpoint(
        _("Map a waiting order by hand: its case is created"), TriageResolveSerializer, TriageOrderSerializer
    )
    def resolve(self, request, pk=None):
        order = self.get_object()
        data = self.validated(request)
        return self._answer(
            services.order_triage_resolve(
                actor=request.user,
                order=order,
                category=data["category"],
                area=data["area"],
                remember=data["remember"],
            )
        )

    @action_endpoint(
        _("Reject a waiting order, with the reason"), TriageRejectSerializer, TriageOrderSerializer
    )
    def reject(self, request, pk=None):
        order = self.get_object()
        data = self.validated(request)
        return self._answer(
            services.order_triage_reject(actor=request.user, order=order, reason=data["reason"])
        )
