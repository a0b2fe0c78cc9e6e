from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.scope import VIEW, user_scope
from apps.areas.models import Area
from apps.core.api.viewsets import ScopedViewSet
from apps.party.filters import MemberFilterSet, OrganisationFilterSet, PartnerUnitFilterSet
from apps.party.models import PartnerUnit, PartyMember, PartyOrganisation
from apps.party.selectors import party_coverage

from .serializers import (
    CoverageQuerySerializer,
    CoverageReportSerializer,
    MemberSerializer,
    OrganisationSerializer,
    PartnerUnitSerializer,
)


class _ListRetrieveCreate(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    pass


@extend_schema_view(
    list=extend_schema(summary=_("List party organisations")),
    retrieve=extend_schema(summary=_("A party organisation")),
    create=extend_schema(summary=_("Create a party organisation bound to an area")),
)
class OrganisationViewSet(_ListRetrieveCreate):
    """The party tree bound to the grid, in the user's scope."""

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
