from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from apps.accounts.scope import user_scope
from apps.cases import services
from apps.cases.api.schema import ERROR, action_endpoint
from apps.cases.choices import AttachmentKind, CaseAction
from apps.cases.models import Case, CaseEvent
from apps.cases.selectors import (
    ACTION_PERMISSIONS,
    CASE_BUCKETS,
    case_inbox,
    case_inbox_counts,
    duplicate_candidates,
    route_for,
)
from apps.core.api.files import file_endpoint
from apps.core.api.idempotency import IDEMPOTENCY_HEADER
from apps.core.api.viewsets import ScopedViewSet
from apps.core.uploads import served
from apps.dispatch import services as dispatch_services
from apps.dispatch.api.serializers import (
    CaseDispatchSerializer,
    OrderDetailSerializer,
    SuperviseSerializer,
    SupervisionSerializer,
    WhistleBlowSerializer,
    WhistleSerializer,
)
from apps.dispatch.models import Deadline, DispatchOrder, Supervision, Whistle
from apps.integrations.scopes import KeyScope

from .filters import CaseApiFilterSet
from .serializers import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseInboxSerializer,
    CaseSerializer,
    MergeSerializer,
    NoteSerializer,
    RateSerializer,
    ReasonSerializer,
    ResolveInGridSerializer,
    RouteQuerySerializer,
    RouteSerializer,
    VerifySerializer,
)


class MayActOnCase(BasePermission):
    """Reading needs the case in the user's scope (404 otherwise). Reporting needs "case.report"
    somewhere; each lifecycle action needs its permission over the case's area (403 otherwise). The
    services check the same again; this only answers a refusal as a refusal."""

    def has_permission(self, request, view) -> bool:
        needed = view.permission_needed()
        return needed is None or user_scope(request.user).allows(needed)

    def has_object_permission(self, request, view, obj) -> bool:
        needed = view.permission_needed()
        if needed is None:
            return True
        return user_scope(request.user).holds(needed, obj.area)


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_("A key of at most 64 characters: a retry with the same key reports nothing new."),
)


def case_action(summary, request=None, responses=CaseDetailSerializer, **kwargs):
    """A lifecycle action, answering the case as it is after the action unless said otherwise."""
    return action_endpoint(summary, request, responses, **kwargs)


@extend_schema_view(
    list=extend_schema(summary=_("List cases")),
    retrieve=extend_schema(summary=_("A case with its timeline, orders and deadlines")),
    create=extend_schema(
        summary=_("Report a case"),
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: CaseSerializer,
            200: CaseSerializer,
            400: ERROR,
            403: ERROR,
        },
        description=_(
            "Answers 201 with the new case as lists show it (its url gives the detail), or 200 with the "
            "case a previous request with the same idempotency key (or the same external system and "
            "reference) reported."
        ),
    ),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Cases (事件) in the user's scope, and one endpoint per lifecycle action."""

    queryset = Case.objects.select_related("category", "area")
    serializer_class = CaseDetailSerializer
    filterset_class = CaseApiFilterSet
    ordering_fields = ["created_at", "urgency", "status"]
    permission_classes = [IsAuthenticated, MayActOnCase]
    serializer_classes = {"list": CaseSerializer, "create": CaseCreateSerializer}
    # Other systems read cases and report them; the lifecycle actions are people's work.
    key_scopes = {"GET": KeyScope.CASES_READ, "create": KeyScope.CASES_CREATE}

    def permission_needed(self) -> str | None:
        if self.action == "create":
            return "case.report"
        # `dispatch` is the name of every view's request handler, so that action's method is dispatch_to.
        return ACTION_PERMISSIONS.get(CaseAction.DISPATCH if self.action == "dispatch_to" else self.action)

    def get_queryset(self):
        bucket = self.request.query_params.get("bucket")
        if self.action == "list" and bucket in CASE_BUCKETS:
            return case_inbox(self.request.user, bucket)
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return with_detail(queryset)
        return queryset

    def _answer(self, case: Case, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = with_detail(Case.objects.all()).get(pk=case.pk)
        return Response(CaseDetailSerializer(fresh, context=self.get_serializer_context()).data, status_code)

    @file_endpoint(
        _("A photo or file of a case"), files="attachments", id_name="attachment_id", url_name="attachment"
    )
    def attachment(self, request, pk=None, attachment_id=None):
        item = get_object_or_404(self.get_object().attachments.all(), pk=attachment_id)
        return served(item, as_attachment=item.kind == AttachmentKind.FILE)

    def create(self, request):
        data = self.validated(request)
        case, created = services.case_report(actor=request.user, **data)
        if not self.get_queryset().filter(pk=case.pk).exists():
            # Someone else's case with this external reference, outside this user's scope.
            raise serializers.ValidationError(
                {"external_ref": [_("This external reference has already been reported.")]}
            )
        # The list's shape: other systems report in bulk, and the detail is one GET away.
        answer = CaseSerializer(case, context=self.get_serializer_context()).data
        return Response(answer, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @case_action(_("Accept a reported case"))
    def accept(self, request, pk=None):
        return self._answer(services.case_accept(case=self.get_object(), actor=request.user))

    @case_action(_("Reject a reported case, with the reason"), ReasonSerializer)
    def reject(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        return self._answer(services.case_reject(case=case, actor=request.user, reason=data["reason"]))

    @case_action(_("Keep an accepted case in its grid"), NoteSerializer, url_path="handle-in-grid")
    def handle_in_grid(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        return self._answer(services.case_handle_in_grid(case=case, actor=request.user, note=data["note"]))

    @case_action(
        _("Dispatch the case to a department"),
        CaseDispatchSerializer,
        {201: OrderDetailSerializer},
        url_path="dispatch",
        url_name="dispatch",
    )
    def dispatch_to(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        order = dispatch_services.case_dispatch(
            case=case, department=data["department"], actor=request.user, instructions=data["instructions"]
        )
        order = DispatchOrder.objects.select_related("case", "department", "policy").get(pk=order.pk)
        return Response(
            OrderDetailSerializer(order, context=self.get_serializer_context()).data, status.HTTP_201_CREATED
        )

    @case_action(_("Blow a whistle: call departments in"), WhistleBlowSerializer, {201: WhistleSerializer})
    def whistle(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        whistle = dispatch_services.whistle_blow(
            case=case,
            kind=data["kind"],
            departments=data["departments"],
            lead=data.get("lead"),
            actor=request.user,
            reason=data["reason"],
        )
        whistle = (
            Whistle.objects.select_related("case", "area", "blown_by")
            .prefetch_related("orders__department")
            .get(pk=whistle.pk)
        )
        return Response(
            WhistleSerializer(whistle, context=self.get_serializer_context()).data, status.HTTP_201_CREATED
        )

    @case_action(_("Report what the grid did (resolution within the grid)"), ResolveInGridSerializer)
    def resolve(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        case = services.case_resolve_in_grid(
            case=case, actor=request.user, account=data["account"], photos=data["photos"]
        )
        return self._answer(case)

    @case_action(_("Verify a resolution on site: passed, or sent back"), VerifySerializer)
    def verify(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        case = services.case_verify(
            case=case, actor=request.user, passed=data["passed"], note=data["note"], photos=data["photos"]
        )
        return self._answer(case)

    @case_action(_("Close a verified case"), NoteSerializer)
    def close(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        return self._answer(services.case_close(case=case, actor=request.user, note=data["note"]))

    @case_action(_("Record the resident's rating taken on a call-back"), RateSerializer)
    def rate(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        case = services.case_rate(
            case=case, rating=data["rating"], comment=data["comment"], actor=request.user
        )
        return self._answer(case)

    @case_action(_("Suspend a case: its clocks pause"), ReasonSerializer)
    def suspend(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        return self._answer(services.case_suspend(case=case, actor=request.user, reason=data["reason"]))

    @case_action(_("Resume a suspended case"), NoteSerializer)
    def resume(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        return self._answer(services.case_resume(case=case, actor=request.user, note=data["note"]))

    @case_action(_("Merge this duplicate into another case"), MergeSerializer)
    def merge(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        case = services.case_merge(case=case, into=data["into"], actor=request.user, note=data["note"])
        return self._answer(case)

    @case_action(_("Claim the case as a leader"), NoteSerializer, url_path="leader-claim")
    def leader_claim(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        return self._answer(services.case_leader_claim(case=case, actor=request.user, note=data["note"]))

    @case_action(
        _("Supervise a case (normal, yellow or red card)"), SuperviseSerializer, {201: SupervisionSerializer}
    )
    def supervise(self, request, pk=None):
        case = self.get_object()
        data = self.validated(request)
        supervision = dispatch_services.supervise(
            case=case, actor=request.user, level=data["level"], note=data["note"], order=data.get("order")
        )
        supervision = Supervision.objects.select_related("case", "issued_by", "issuing_area").get(
            pk=supervision.pk
        )
        return Response(
            SupervisionSerializer(supervision, context=self.get_serializer_context()).data,
            status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("How many cases are in each bucket of the staff inbox"), responses=CaseInboxSerializer
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def inbox(self, request):
        return Response(CaseInboxSerializer(case_inbox_counts(request.user)).data)

    @extend_schema(
        summary=_("Open cases that may report the same problem"),
        responses=CaseSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def duplicates(self, request, pk=None):
        case = self.get_object()
        candidates = duplicate_candidates(
            user=request.user,
            category=case.category,
            area=case.area,
            longitude=case.longitude,
            latitude=case.latitude,
            exclude=case.pk,
        )
        ids = [candidate.pk for candidate in candidates]
        rows = {row.pk: row for row in Case.objects.select_related("category", "area").filter(pk__in=ids)}
        context = self.get_serializer_context()
        return Response(CaseSerializer([rows[pk] for pk in ids], many=True, context=context).data)

    @extend_schema(
        summary=_("Who intake proposes for a category in an area"),
        parameters=[RouteQuerySerializer],
        responses=RouteSerializer,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def route(self, request):
        query = RouteQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        rule = route_for(**query.validated_data)
        return Response(RouteSerializer({"rule": rule}, context=self.get_serializer_context()).data)


def with_detail(queryset):
    """What a case's answer shows, fetched in a fixed number of queries."""
    return queryset.select_related("category", "area", "leader_claimed_by", "created_by").prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        Prefetch(
            "orders",
            queryset=DispatchOrder.objects.select_related("department", "policy", "suggested_department")
            .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.select_related("policy")))
            .order_by("created_at", "id"),
        ),
        "attachments",
    )
