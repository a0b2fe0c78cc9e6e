from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from apps.accounts.scope import user_scope
from apps.cases.api.schema import ERROR, action_endpoint
from apps.core.api.viewsets import ScopedViewSet, ScopedWritePermission
from apps.core.submissions import answered_once
from apps.residents import services
from apps.residents.filters import AccessLogFilterSet, HouseholdFilterSet, ResidentFilterSet
from apps.residents.models import CareTag, Household, HouseholdEvent, Resident, ResidentAccess, RiskRule
from apps.residents.services import UNMASK_PERMISSIONS, may_reveal

from .serializers import (
    AccessLogSerializer,
    CareTagSerializer,
    HouseholdDetailSerializer,
    HouseholdSerializer,
    HouseholdUpdateSerializer,
    MoveOutSerializer,
    ResidentSerializer,
    ResidentUpdateSerializer,
    RevealedSerializer,
    RevealSerializer,
    RiskRuleSerializer,
    RiskSerializer,
)

WRITE_ERRORS = {400: ERROR, 403: ERROR}


def with_detail(queryset):
    """What a household's answer shows, in a fixed number of queries: the residents living there with
    their care groups, and the timeline with its actors."""
    return queryset.select_related("risk_rule").prefetch_related(
        Prefetch("residents", queryset=Resident.objects.filter(is_active=True).prefetch_related("tags")),
        Prefetch("events", queryset=HouseholdEvent.objects.select_related("actor")),
    )


class _Writable(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Lists, details, and create and change through the serializers (which call the services), answered
    by the subclass's `answer(row, status_code)` with the row as it is after the write."""

    @answered_once
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.answer(serializer.save(), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self.answer(serializer.save())


@extend_schema_view(
    list=extend_schema(summary=_("List households")),
    retrieve=extend_schema(summary=_("A household with its residents (masked) and its timeline")),
    create=extend_schema(
        summary=_("Register a household in a building"),
        responses={201: HouseholdDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Change a household's unit, floor, room, address, kind or notes"),
        responses={200: HouseholdDetailSerializer, **WRITE_ERRORS, 404: ERROR},
    ),
)
class HouseholdViewSet(_Writable):
    """Households (户) in the user's scope."""

    queryset = Household.objects.all()
    serializer_class = HouseholdDetailSerializer
    filterset_class = HouseholdFilterSet
    ordering_fields = ["visit_due_on", "address", "created_at", "updated_at"]
    serializer_classes = {
        "list": HouseholdSerializer,
        "create": HouseholdSerializer,
        "partial_update": HouseholdUpdateSerializer,
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        return with_detail(queryset) if self.action == "retrieve" else queryset

    def answer(self, household, status_code=status.HTTP_200_OK):
        fresh = with_detail(Household.objects.all()).get(pk=household.pk)
        return Response(
            HouseholdDetailSerializer(fresh, context=self.get_serializer_context()).data, status_code
        )

    @action_endpoint(
        _("Set a rental's risk colour by a risk rule"), RiskSerializer, HouseholdDetailSerializer
    )
    def risk(self, request, pk=None):
        household = self.get_object()
        data = self.validated(request)
        household = services.household_set_risk(
            actor=request.user, household=household, rule=data["rule"], reason=data["reason"]
        )
        return self.answer(household)


class MayChangeOrReveal(ScopedWritePermission):
    """Seeing a number in full needs a role that unmasks it where the resident lives (403 otherwise);
    every other write is the scoped writes' rule."""

    def has_permission(self, request, view) -> bool:
        if view.action == "reveal":
            scope = user_scope(request.user)
            return any(scope.allows(permission) for permission in UNMASK_PERMISSIONS.values())
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj) -> bool:
        # Which number is asked for is only known from the input: the action checks the resident.
        return view.action == "reveal" or super().has_object_permission(request, view, obj)


@extend_schema_view(
    list=extend_schema(summary=_("List residents (ID numbers and phones masked)")),
    retrieve=extend_schema(summary=_("A resident (ID number and phone masked)")),
    create=extend_schema(
        summary=_("Register a resident in a household"),
        responses={201: ResidentSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Change a resident; an ID number or phone left out is kept"),
        responses={200: ResidentSerializer, **WRITE_ERRORS, 404: ERROR},
    ),
)
class ResidentViewSet(_Writable):
    """Residents in the user's scope, masked; a full number only through the logged reveal action."""

    queryset = Resident.objects.prefetch_related("tags")
    serializer_class = ResidentSerializer
    filterset_class = ResidentFilterSet
    ordering_fields = ["name", "birth_year", "created_at"]
    permission_classes = [IsAuthenticated, MayChangeOrReveal]
    serializer_classes = {"partial_update": ResidentUpdateSerializer}

    def answer(self, resident, status_code=status.HTTP_200_OK):
        fresh = self.queryset.get(pk=resident.pk)
        return Response(ResidentSerializer(fresh, context=self.get_serializer_context()).data, status_code)

    @action_endpoint(
        _("Show an ID number or phone in full, with the reason (written to the access log)"),
        RevealSerializer,
        RevealedSerializer,
    )
    def reveal(self, request, pk=None):
        resident = self.get_object()
        data = self.validated(request)
        if not may_reveal(request.user, resident, data["field"]):
            raise PermissionDenied(_("Your role does not allow seeing this number in full."))
        value = services.resident_reveal(
            actor=request.user,
            resident=resident,
            field=data["field"],
            reason=data["reason"],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        return Response(RevealedSerializer({"value": value}).data)

    @action_endpoint(
        _("Record that a resident moved out, with the reason"),
        MoveOutSerializer,
        ResidentSerializer,
        url_path="move-out",
        url_name="move-out",
    )
    def move_out(self, request, pk=None):
        resident = self.get_object()
        data = self.validated(request)
        resident = services.resident_move_out(actor=request.user, resident=resident, reason=data["reason"])
        return self.answer(resident)


class _ReferenceList(mixins.ListModelMixin, ScopedViewSet):
    """An editable reference list (changed in the admin), the same for everyone signed in."""

    filterset_fields = ["is_active"]

    def get_queryset(self):
        return self.queryset.all()


@extend_schema_view(list=extend_schema(summary=_("List care groups")))
class CareTagViewSet(_ReferenceList):
    """The care groups (重点人群) residents are tagged with and visit plans can name."""

    queryset = CareTag.objects.all()
    serializer_class = CareTagSerializer


@extend_schema_view(list=extend_schema(summary=_("List risk rules")))
class RiskRuleViewSet(_ReferenceList):
    """The rules that set a rental's risk colour."""

    queryset = RiskRule.objects.all()
    serializer_class = RiskRuleSerializer


class MayReadAccessLog(BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_scope(request.user).allows("accesslog.view")


@extend_schema_view(
    list=extend_schema(
        summary=_("The access log of numbers shown or exported in full (auditors)"),
        responses={200: AccessLogSerializer(many=True), 403: ERROR},
    )
)
class AccessLogViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Who saw whose number in full, in the areas where the user reads the access log."""

    queryset = ResidentAccess.objects.select_related("user", "resident")
    serializer_class = AccessLogSerializer
    filterset_class = AccessLogFilterSet
    ordering_fields = ["created_at"]
    permission_classes = [IsAuthenticated, MayReadAccessLog]
