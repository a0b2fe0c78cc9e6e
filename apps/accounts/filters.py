import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.areas.models import Area
from apps.core.filters import visible
from apps.departments.models import Department

from .models import RoleAssignment, User
from .roles import Role


class RoleAssignmentFilterSet(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(queryset=visible(User))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))
    department = django_filters.ModelChoiceFilter(queryset=visible(Department))
    ancestor = AncestorFilter()
    active = django_filters.BooleanFilter(
        field_name="revoked_at", lookup_expr="isnull", label=_("active (not revoked)")
    )

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "area", "department", "ancestor", "active"]


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("username or name"))
    role = django_filters.ChoiceFilter(choices=Role.choices, method="holding", label=_("holds the role"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))

    def holding(self, queryset, name, value):
        holders = RoleAssignment.objects.active().restrict(self.request.user).filter(role=value)
        return queryset.filter(id__in=holders.values("user_id"))
