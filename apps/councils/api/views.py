from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.accounts.scope import VIEW
from apps.cases.api.serializers import CaseSerializer
from apps.core.api.viewsets import CreateOnceModelMixin, ScopedViewSet
from apps.core.submissions import answered_once
from apps.councils import selectors, services
from apps.councils.filters import MeetingFilterSet, ResolutionFilterSet, TaskFilterSet
from apps.councils.models import Meeting, Resolution, Task, TaskEvent, Topic

from .serializers import (
    CouncilTaskCancelSerializer,
    CouncilTaskCompleteSerializer,
    CouncilTaskDetailSerializer,
    CouncilTaskSerializer,
    CouncilTopicSerializer,
    MakeCaseSerializer,
    MakeTaskSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    ResolutionSerializer,
)


@extend_schema_view(
    list=extend_schema(summary=_("List council meetings")),
    retrieve=extend_schema(summary=_("A council meeting with its topics and resolutions")),
    create=extend_schema(summary=_("Record a council meeting")),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateOnceModelMixin, ScopedViewSet):
    """Council meetings (党群议事会, 居民议事会, 小区夜话, 联席会议) in the user's areas."""

    ordering_fields = ["held_at"]
    queryset = Meeting.objects.select_related("area")
    serializer_class = MeetingSerializer
    serializer_classes = {"retrieve": MeetingDetailSerializer}
    filterset_class = MeetingFilterSet

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("topics", queryset=Topic.objects.order_by("id")),
                Prefetch("resolutions", queryset=selectors.resolution_rows(self.request.user)),
            )
        return queryset

    def _add(self, request, serializer_class):
        meeting = self.get_object()
        context = {**self.get_serializer_context(), "meeting": meeting}
        serializer = serializer_class(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Add a topic to a meeting"),
        request=CouncilTopicSerializer,
        responses=CouncilTopicSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    @answered_once
    def topics(self, request, pk=None):
        return self._add(request, CouncilTopicSerializer)

    @extend_schema(
        summary=_("Record a resolution of a meeting"),
        request=ResolutionSerializer,
        responses=ResolutionSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    @answered_once
    def resolutions(self, request, pk=None):
        return self._add(request, ResolutionSerializer)


@extend_schema_view(
    list=extend_schema(summary=_("List council resolutions")),
    retrieve=extend_schema(summary=_("A council resolution and its follow-up")),
)
class ResolutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Resolutions of the meetings in the user's areas; each can get one follow-up, a task or a case."""

    queryset = Resolution.objects.all()
    serializer_class = ResolutionSerializer
    filterset_class = ResolutionFilterSet

    def get_queryset(self):
        return selectors.resolution_rows(self.request.user).restrict(self.request.user, VIEW)

    @extend_schema(
        summary=_("Make an adopted resolution a council task"),
        request=MakeTaskSerializer,
        responses={201: CouncilTaskSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=MakeTaskSerializer)
    def task(self, request, pk=None):
        resolution = self.get_object()
        task = services.resolution_make_task(
            actor=request.user, resolution=resolution, **self.validated(request)
        )
        context = self.get_serializer_context()
        return Response(CouncilTaskSerializer(task, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Report an adopted resolution as a case (channel: council)"),
        request=MakeCaseSerializer,
        responses={201: CaseSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=MakeCaseSerializer)
    def case(self, request, pk=None):
        resolution = self.get_object()
        case = services.resolution_make_case(
            actor=request.user, resolution=resolution, **self.validated(request)
        )
        context = self.get_serializer_context()
        return Response(CaseSerializer(case, context=context).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("List council tasks")),
    retrieve=extend_schema(summary=_("A council task with its timeline")),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Council tasks in the user's areas: `mine=true` for the user's own."""

    ordering_fields = ["deadline", "created_at"]
    queryset = Task.objects.select_related("owner", "resolution")
    serializer_class = CouncilTaskSerializer
    serializer_classes = {"retrieve": CouncilTaskDetailSerializer}
    filterset_class = TaskFilterSet

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "events", queryset=TaskEvent.objects.select_related("actor").order_by("created_at", "id")
                )
            )
        return queryset

    @extend_schema(
        summary=_("Mark a council task done (its owner or the area's staff)"),
        request=CouncilTaskCompleteSerializer,
        responses=CouncilTaskSerializer,
    )
    # The owner may complete a task without holding cogov.change: the service checks who acts.
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        serializer_class=CouncilTaskCompleteSerializer,
        permission_classes=[IsAuthenticated],
    )
    def complete(self, request, pk=None):
        task = services.task_complete(actor=request.user, task=self.get_object(), **self.validated(request))
        return Response(CouncilTaskSerializer(task, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("Cancel a council task"),
        request=CouncilTaskCancelSerializer,
        responses=CouncilTaskSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=CouncilTaskCancelSerializer)
    def cancel(self, request, pk=None):
        task = services.task_cancel(actor=request.user, task=self.get_object(), **self.validated(request))
        return Response(CouncilTaskSerializer(task, context=self.get_serializer_context()).data)
