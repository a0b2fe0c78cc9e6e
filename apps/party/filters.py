import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.areas.models import Area
from apps.core.filters import visible

from .models import MemberRegistration, PartnerUnit, PartyMember, PartyOrganisation, ServiceRecord


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()
    parent = django_filters.ModelChoiceFilter(queryset=visible(PartyOrganisation))

    class Meta:
        model = PartyOrganisation
        fields = ["q", "kind", "area", "ancestor", "parent", "is_joint"]


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("name or workplace"))
    organisation = django_filters.ModelChoiceFilter(queryset=visible(PartyOrganisation))
    ancestor = AncestorFilter()

    class Meta:
        model = PartyMember
        fields = ["q", "organisation", "is_working_member", "ancestor"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(workplace__icontains=value))


class PartnerUnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()

    class Meta:
        model = PartnerUnit
        fields = ["q", "unit_type", "area", "ancestor"]


class RegistrationFilterSet(django_filters.FilterSet):
    """Serves `selectors.registrations` querysets (annotated with `is_serving`)."""

    q = django_filters.CharFilter(field_name="member__name", lookup_expr="icontains", label=_("member name"))
    member = django_filters.ModelChoiceFilter(queryset=visible(PartyMember))
    organisation = django_filters.ModelChoiceFilter(
        field_name="member__organisation", queryset=visible(PartyOrganisation), label=_("organisation")
    )
    community = django_filters.ModelChoiceFilter(queryset=visible(Area))
    grid = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()
    active = django_filters.BooleanFilter(
        field_name="is_serving", label=_("active (registered, with service in the last 90 days)")
    )

    class Meta:
        model = MemberRegistration
        fields = ["q", "member", "organisation", "community", "grid", "ancestor", "state", "source", "active"]


class ServiceRecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("service"))
    registration = django_filters.ModelChoiceFilter(queryset=visible(MemberRegistration))
    served_after = django_filters.DateFilter(
        field_name="served_on", lookup_expr="gte", label=_("served on or after")
    )
    served_before = django_filters.DateFilter(
        field_name="served_on", lookup_expr="lte", label=_("served on or before")
    )
    ancestor = AncestorFilter()

    class Meta:
        model = ServiceRecord
        fields = ["q", "registration", "served_after", "served_before", "ancestor"]
