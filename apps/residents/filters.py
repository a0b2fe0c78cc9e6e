"""The filters of household and resident lists: one filterset per model for the API and the pages alike.
Personal numbers are matched whole, through their keyed hash, never decrypted."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.core.crypto import keyed_hash
from apps.core.filters import visible

from .choices import AccessPurpose, HouseholdKind, Residence, RevealedField, RiskColour
from .identity import clean_id_number, clean_phone
from .models import CareTag, Household, Resident, ResidentAccess
from .selectors import household_search


class HouseholdFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("address, resident's name, ID number or phone"))
    area = AncestorFilter()
    kind = django_filters.ChoiceFilter(choices=HouseholdKind.choices)
    risk_colour = django_filters.MultipleChoiceFilter(choices=RiskColour.choices)
    due = django_filters.BooleanFilter(method="only_due", label=_("visit due today or earlier"))

    class Meta:
        model = Household
        fields = ["q", "area", "kind", "risk_colour", "due", "is_active"]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        # The pages' search, so that both find the same households; `&` keeps this list's own joins.
        return queryset & household_search(self.request.user, value)

    def only_due(self, queryset, name, value):
        if value is None:
            return queryset
        due = Q(visit_due_on__lte=timezone.localdate())
        return queryset.filter(due) if value else queryset.exclude(due)


def _hash_of(clean, value: str) -> str | None:
    """The keyed hash of a whole number, None when the text is no valid number (which matches nobody)."""
    try:
        number = clean(value)
    except ValidationError:
        return None
    return keyed_hash(number) if number else None


class ResidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    household = django_filters.ModelChoiceFilter(queryset=visible(Household))
    area = AncestorFilter()
    tag = django_filters.ModelChoiceFilter(
        queryset=CareTag.objects.all(), field_name="tags", label=_("care group")
    )
    residence = django_filters.ChoiceFilter(choices=Residence.choices)
    id_number = django_filters.CharFilter(method="by_id_number", label=_("whole ID number"))
    phone = django_filters.CharFilter(method="by_phone", label=_("whole phone number"))

    class Meta:
        model = Resident
        fields = ["q", "household", "area", "tag", "residence", "id_number", "phone", "is_active"]

    def by_id_number(self, queryset, name, value):
        digest = _hash_of(clean_id_number, value)
        return queryset.filter(id_number_hash=digest) if digest else queryset.none()

    def by_phone(self, queryset, name, value):
        digest = _hash_of(clean_phone, value)
        return queryset.filter(phone_hash=digest) if digest else queryset.none()


class AccessLogFilterSet(django_filters.FilterSet):
    area = AncestorFilter()
    resident = django_filters.ModelChoiceFilter(queryset=visible(Resident))
    field = django_filters.ChoiceFilter(choices=RevealedField.choices)
    purpose = django_filters.ChoiceFilter(choices=AccessPurpose.choices)
    after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ResidentAccess
        fields = ["area", "resident", "user", "field", "purpose", "after", "before"]
