from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from apps.accounts.scope import user_scope
from apps.cases.api.schema import action_endpoint
from apps.core.api.viewsets import CreateOnceModelMixin, ScopedViewSet
from apps.core.submissions import answered_once
from apps.projects import services
from apps.projects.filters import MilestoneFilterSet, ProjectFilterSet
from apps.projects.models import Milestone, Project, ProjectEvent
from apps.projects.selectors import project_list

from .serializers import (
    ProjectCancelSerializer,
    ProjectCompleteSerializer,
    ProjectCreateSerializer,
    ProjectDetailSerializer,
    ProjectEvaluateSerializer,
    ProjectEvaluationSerializer,
    ProjectMilestoneCreateSerializer,
    ProjectMilestoneSerializer,
    ProjectNoteSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
)


def _with_detail(queryset):
    return queryset.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.select_related("done_by").order_by("due_on", "id")),
        "evaluations__recorded_by",
        Prefetch(
            "events", queryset=ProjectEvent.objects.select_related("actor").order_by("created_at", "id")
        ),
    )


@extend_schema_view(
    list=extend_schema(summary=_("List projects (红帆项目 / 实事项目)")),
    retrieve=extend_schema(summary=_("A project with its milestones, evaluations and timeline")),
    create=extend_schema(
        summary=_("Create a project with its four fixes"),
        request=ProjectCreateSerializer,
        responses={201: ProjectDetailSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Change an underway project"),
        request=ProjectUpdateSerializer,
        responses=ProjectDetailSerializer,
    ),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateOnceModelMixin, ScopedViewSet):
    """Projects under 四定两评 in the user's scope, and one endpoint per action."""

    ordering_fields = ["created_at", "deadline"]
    queryset = Project.objects.all()
    serializer_class = ProjectDetailSerializer
    filterset_class = ProjectFilterSet
    serializer_classes = {
        "list": ProjectSerializer,
        "create": ProjectCreateSerializer,
        "partial_update": ProjectUpdateSerializer,
    }
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = project_list(self.request.user)
        if self.action == "retrieve":
            return _with_detail(queryset)
        return queryset

    def _answer(self, project: Project, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = _with_detail(project_list(self.request.user)).get(pk=project.pk)
        return Response(
            ProjectDetailSerializer(fresh, context=self.get_serializer_context()).data, status_code
        )

    @answered_once
    def create(self, request):
        data = self.validated(request)
        project = services.project_create(actor=request.user, **data)
        return self._answer(project, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        project = self.get_object()
        data = self.validated(request)
        return self._answer(services.project_update(actor=request.user, project=project, **data))

    @action_endpoint(
        _("Add a milestone to an underway project"),
        ProjectMilestoneCreateSerializer,
        {201: ProjectMilestoneSerializer},
        url_path="milestones",
    )
    @answered_once
    def milestones(self, request, pk=None):
        project = self.get_object()
        data = self.validated(request)
        milestone = services.milestone_add(actor=request.user, project=project, **data)
        return Response(
            ProjectMilestoneSerializer(milestone, context=self.get_serializer_context()).data,
            status.HTTP_201_CREATED,
        )

    @action_endpoint(
        _("Complete a project whose milestones are all done"),
        ProjectCompleteSerializer,
        ProjectDetailSerializer,
    )
    def complete(self, request, pk=None):
        project = self.get_object()
        data = self.validated(request)
        return self._answer(services.project_complete(actor=request.user, project=project, **data))

    @action_endpoint(
        _("Cancel an underway project, with the reason"), ProjectCancelSerializer, ProjectDetailSerializer
    )
    def cancel(self, request, pk=None):
        project = self.get_object()
        data = self.validated(request)
        return self._answer(services.project_cancel(actor=request.user, project=project, **data))

    @action_endpoint(
        _("Record the residents' or the organisation's evaluation of a completed project"),
        ProjectEvaluateSerializer,
        {201: ProjectEvaluationSerializer},
    )
    def evaluate(self, request, pk=None):
        project = self.get_object()
        data = self.validated(request)
        evaluation = services.project_evaluate(actor=request.user, project=project, **data)
        return Response(
            ProjectEvaluationSerializer(evaluation, context=self.get_serializer_context()).data,
            status.HTTP_201_CREATED,
        )


class OwnerOrStaff(BasePermission):
    """A milestone is completed by the area's staff (cogov.change over the project's area) or by the
    project's owner; the service checks the same again."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS or request.user.pk == obj.project.owner_id:
            return True
        return user_scope(request.user).holds("cogov.change", obj.project.area)


@extend_schema_view(
    list=extend_schema(summary=_("List project milestones")),
    retrieve=extend_schema(summary=_("A project milestone")),
)
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The milestones of the projects in the user's scope."""

    ordering_fields = ["due_on"]
    queryset = Milestone.objects.select_related("done_by", "project__area")
    serializer_class = ProjectMilestoneSerializer
    filterset_class = MilestoneFilterSet
    permission_classes = [IsAuthenticated, OwnerOrStaff]

    @action_endpoint(
        _("Mark a milestone done (its project's owner or the area's staff)"),
        ProjectNoteSerializer,
        ProjectMilestoneSerializer,
    )
    def complete(self, request, pk=None):
        milestone = self.get_object()
        data = self.validated(request)
        milestone = services.milestone_complete(actor=request.user, milestone=milestone, **data)
        milestone = self.get_queryset().get(pk=milestone.pk)
        return Response(ProjectMilestoneSerializer(milestone, context=self.get_serializer_context()).data)
