from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.areas.models import Area
from apps.cases.api.schema import ERROR, action_endpoint
from apps.core.api.viewsets import CreateOnceModelMixin, ScopedViewSet
from apps.core.submissions import answered_once
from apps.party.filters import (
    MemberFilterSet,
    OrganisationFilterSet,
    PartnerUnitFilterSet,
    RegistrationFilterSet,
    ServiceRecordFilterSet,
)
from apps.party.models import (
    MemberRegistration,
    PartnerUnit,
    PartyMember,
    PartyOrganisation,
    RegistrationEvent,
    ServiceRecord,
)
from apps.party.selectors import party_coverage, registrations
from apps.party.services import registration_assign, registration_create, registration_end

from .serializers import (
    AssignSerializer,
    CoverageQuerySerializer,
    CoverageReportSerializer,
    EndSerializer,
    MemberSerializer,
    OrganisationSerializer,
    PartnerUnitSerializer,
    RegistrationCreateSerializer,
    RegistrationDetailSerializer,
    RegistrationSerializer,
    ServiceRecordSerializer,
)


class _ListRetrieveCreate(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateOnceModelMixin, ScopedViewSet
):
    pass


@extend_schema_view(
    list=extend_schema(summary=_("List party organisations")),
    retrieve=extend_schema(summary=_("A party organisation")),
    create=extend_schema(summary=_("Create a party organisation bound to an area")),
)
class OrganisationViewSet(_ListRetrieveCreate):
    """The party tree bound to the grid, in the user's scope."""

    ordering_fields = ["name"]
    queryset = PartyOrganisation.objects.all()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet


@extend_schema_view(
    list=extend_schema(summary=_("List party members")),
    retrieve=extend_schema(summary=_("A party member")),
    create=extend_schema(summary=_("Add a member to an organisation's roster")),
)
class MemberViewSet(_ListRetrieveCreate):
    """The member rosters of the organisations in the user's scope."""

    ordering_fields = ["name"]
    queryset = PartyMember.objects.all()
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet


@extend_schema_view(
    list=extend_schema(summary=_("List partner units")),
    retrieve=extend_schema(summary=_("A partner unit")),
    create=extend_schema(summary=_("Register a partner unit resident in an area")),
)
class PartnerUnitViewSet(_ListRetrieveCreate):
    """Units resident in the user's areas that co-build with them (驻区单位)."""

    ordering_fields = ["name"]
    queryset = PartnerUnit.objects.all()
    serializer_class = PartnerUnitSerializer
    filterset_class = PartnerUnitFilterSet


class CoverageView(APIView):
    """The share of grids with a party branch and of buildings with a party group, in an area and in
    each of its children."""

    @extend_schema(
        summary=_("Party coverage of an area"),
        parameters=[CoverageQuerySerializer],
        responses=CoverageReportSerializer,
    )
    def get(self, request):
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if not user_scope(request.user).allows("party.view"):
            # Coverage counts party organisations: without party.view there is nothing to count.
            raise Http404
        area = get_object_or_404(Area.objects.restrict(request.user, VIEW), pk=query.validated_data["area"])
        total, children = party_coverage(request.user, area)
        return Response(CoverageReportSerializer({"total": total, "children": children}).data)


class MayRegister(BasePermission):
    """Registering is for either side: "cogov.change" (the community) or "party.change" (the member's
    organisation) somewhere (403 otherwise); a registration's actions need it in the user's change scope
    (seen from either side). The services check the area itself."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        scope = user_scope(request.user)
        return scope.allows("cogov.change") or scope.allows("party.change")

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return MemberRegistration.objects.restrict(request.user, CHANGE).filter(pk=obj.pk).exists()


@extend_schema_view(
    list=extend_schema(summary=_("List member registrations (在职党员到社区报到)")),
    retrieve=extend_schema(summary=_("A member registration with its timeline")),
    create=extend_schema(
        summary=_("Register a working member with their residence community"),
        request=RegistrationCreateSerializer,
        responses={201: RegistrationDetailSerializer, 400: ERROR, 403: ERROR},
    ),
)
class RegistrationViewSet(_ListRetrieveCreate):
    """Working members registered with communities: the community side sees who is registered in its
    areas, the organisation side where its members are registered."""

    ordering_fields = ["registered_at"]
    queryset = MemberRegistration.objects.all()
    serializer_class = RegistrationSerializer
    serializer_classes = {
        "retrieve": RegistrationDetailSerializer,
        "create": RegistrationCreateSerializer,
        "assign": AssignSerializer,
        "end": EndSerializer,
    }
    filterset_class = RegistrationFilterSet
    permission_classes = [IsAuthenticated, MayRegister]

    def get_queryset(self):
        rows = registrations(self.request.user).order_by("-registered_at", "-id")
        if self.action == "retrieve":
            rows = rows.prefetch_related(
                Prefetch("events", queryset=RegistrationEvent.objects.select_related("actor"))
            )
        return rows

    def _answer(self, registration: MemberRegistration, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = (
            registrations(self.request.user)
            .prefetch_related(Prefetch("events", queryset=RegistrationEvent.objects.select_related("actor")))
            .get(pk=registration.pk)
        )
        context = self.get_serializer_context()
        return Response(RegistrationDetailSerializer(fresh, context=context).data, status_code)

    @answered_once
    def create(self, request):
        registration = registration_create(actor=request.user, **self.validated(request))
        return self._answer(registration, status.HTTP_201_CREATED)

    @action_endpoint(
        _("Assign a registered member to a grid or building"), AssignSerializer, RegistrationDetailSerializer
    )
    def assign(self, request, pk=None):
        registration = self.get_object()
        data = self.validated(request)
        return self._answer(registration_assign(actor=request.user, registration=registration, **data))

    @action_endpoint(_("End a registration, with the reason"), EndSerializer, RegistrationDetailSerializer)
    def end(self, request, pk=None):
        registration = self.get_object()
        data = self.validated(request)
        return self._answer(registration_end(actor=request.user, registration=registration, **data))


@extend_schema_view(
    list=extend_schema(summary=_("List the service logged by registered members")),
    retrieve=extend_schema(summary=_("A service record")),
    create=extend_schema(summary=_("Log service a registered member gave (what, when, hours)")),
)
class ServiceRecordViewSet(_ListRetrieveCreate):
    """Service records of the registrations the user sees."""

    ordering_fields = ["served_on"]
    queryset = ServiceRecord.objects.all()
    serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilterSet
