from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.cobuilding import services
from apps.cobuilding.filters import (
    AgreementFilterSet,
    EvaluationFilterSet,
    EvaluationRoundFilterSet,
    JointProjectFilterSet,
    NeedFilterSet,
    ResourceFilterSet,
)
from apps.cobuilding.models import (
    Agreement,
    AgreementEvent,
    Evaluation,
    EvaluationRound,
    JointProject,
    Need,
    Resource,
)
from apps.cobuilding.selectors import round_results
from apps.core.api.viewsets import CreateOnceModelMixin, ScopedViewSet

from .serializers import (
    AgreementDetailSerializer,
    AgreementReasonSerializer,
    AgreementSerializer,
    EvaluationRoundSerializer,
    JointProjectSerializer,
    NeedFulfilmentSerializer,
    NeedSerializer,
    NeedTakeSerializer,
    ProjectStatusSerializer,
    ResourceSerializer,
    RoundResultsSerializer,
    TwoWayEvaluationSerializer,
)


class _ListRetrieveCreate(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateOnceModelMixin, ScopedViewSet
):
    pass


@extend_schema_view(
    list=extend_schema(summary=_("List co-building agreements")),
    retrieve=extend_schema(summary=_("A co-building agreement with its timeline")),
    create=extend_schema(summary=_("Sign a co-building agreement with a partner unit")),
)
class AgreementViewSet(_ListRetrieveCreate):
    """Co-building agreements (共建协议) of the streets and communities in the user's scope."""

    ordering_fields = ["signed_on", "valid_until"]
    queryset = Agreement.objects.select_related("area", "partner_unit")
    serializer_class = AgreementSerializer
    serializer_classes = {
        "retrieve": AgreementDetailSerializer,
        "terminate": AgreementReasonSerializer,
    }
    filterset_class = AgreementFilterSet

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            events = AgreementEvent.objects.select_related("actor").order_by("created_at", "id")
            queryset = queryset.prefetch_related(Prefetch("events", queryset=events))
        return queryset

    @extend_schema(
        summary=_("Terminate an active agreement, with the reason"),
        request=AgreementReasonSerializer,
        responses=AgreementSerializer,
    )
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        agreement = self.get_object()
        data = self.validated(request)
        agreement = services.agreement_terminate(
            actor=request.user, agreement=agreement, reason=data["reason"]
        )
        return Response(AgreementSerializer(agreement, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary=_("List the resources partner units offer")),
    retrieve=extend_schema(summary=_("A resource of an agreement")),
    create=extend_schema(summary=_("Add a resource to an agreement's resource list")),
)
class ResourceViewSet(_ListRetrieveCreate):
    """The resource lists (资源清单) of the agreements in the user's scope."""

    queryset = Resource.objects.all()
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilterSet


@extend_schema_view(
    list=extend_schema(summary=_("List the needs of communities and streets")),
    retrieve=extend_schema(summary=_("A need of an agreement")),
    create=extend_schema(summary=_("Add a need to an agreement's needs list")),
)
class NeedViewSet(_ListRetrieveCreate):
    """The needs lists (需求清单): a unit takes a need (接单), and its fulfilment is recorded."""

    ordering_fields = ["needed_by"]
    queryset = Need.objects.select_related("taken_by")
    serializer_class = NeedSerializer
    serializer_classes = {
        "take": NeedTakeSerializer,
        "fulfil": NeedFulfilmentSerializer,
        "cancel": AgreementReasonSerializer,
    }
    filterset_class = NeedFilterSet

    def _answer(self, need: Need) -> Response:
        fresh = Need.objects.select_related("taken_by").get(pk=need.pk)
        return Response(NeedSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("A partner unit takes an open need (接单)"),
        request=NeedTakeSerializer,
        responses=NeedSerializer,
    )
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        need = self.get_object()
        data = self.validated(request)
        return self._answer(
            services.need_take(actor=request.user, need=need, partner_unit=data["partner_unit"])
        )

    @extend_schema(
        summary=_("Record that a taken need was fulfilled"),
        request=NeedFulfilmentSerializer,
        responses=NeedSerializer,
    )
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        need = self.get_object()
        data = self.validated(request)
        return self._answer(services.need_fulfil(actor=request.user, need=need, note=data["note"]))

    @extend_schema(
        summary=_("Cancel an open or taken need"), request=AgreementReasonSerializer, responses=NeedSerializer
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        need = self.get_object()
        data = self.validated(request)
        return self._answer(services.need_cancel(actor=request.user, need=need, reason=data["reason"]))


@extend_schema_view(
    list=extend_schema(summary=_("List the projects agreed with partner units")),
    retrieve=extend_schema(summary=_("A project of an agreement")),
    create=extend_schema(summary=_("Add a project to an agreement's project list")),
)
class JointProjectViewSet(_ListRetrieveCreate):
    """The project lists (项目清单) of the agreements in the user's scope."""

    queryset = JointProject.objects.all()
    serializer_class = JointProjectSerializer
    serializer_classes = {"set_status": ProjectStatusSerializer}
    filterset_class = JointProjectFilterSet

    @extend_schema(
        summary=_("Move a project forward: planned, underway, completed"),
        request=ProjectStatusSerializer,
        responses=JointProjectSerializer,
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request, pk=None):
        project = self.get_object()
        data = self.validated(request)
        project = services.project_set_status(actor=request.user, project=project, **data)
        return Response(JointProjectSerializer(project, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary=_("List the rounds of the two-way evaluation")),
    retrieve=extend_schema(summary=_("A round of the two-way evaluation")),
    create=extend_schema(summary=_("Open the two-way evaluation of a year in a street or district")),
)
class EvaluationRoundViewSet(_ListRetrieveCreate):
    """The yearly two-way evaluation (双向评议) of the user's streets and districts, and of the street or
    district above a community worker's community."""

    queryset = EvaluationRound.objects.select_related("area")
    serializer_class = EvaluationRoundSerializer
    filterset_class = EvaluationRoundFilterSet

    @extend_schema(
        summary=_("The results of a round: per unit and per community or street"),
        responses=RoundResultsSerializer,
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def results(self, request, pk=None):
        units, areas = round_results(request.user, self.get_object())
        return Response(RoundResultsSerializer({"units": units, "areas": areas}).data)


@extend_schema_view(
    list=extend_schema(summary=_("List the scores of the two-way evaluation")),
    retrieve=extend_schema(summary=_("One score of the two-way evaluation")),
    create=extend_schema(summary=_("Record a score, inside the round's window")),
)
class EvaluationViewSet(_ListRetrieveCreate):
    """Scores of the two-way evaluation: communities rating units and units rating communities."""

    queryset = Evaluation.objects.select_related("agreement", "recorded_by")
    serializer_class = TwoWayEvaluationSerializer
    filterset_class = EvaluationFilterSet
