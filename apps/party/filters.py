import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.areas.models import Area
from apps.core.filters import visible

from .models import PartnerUnit, PartyMember, PartyOrganisation


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
