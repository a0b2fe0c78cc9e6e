import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.areas.models import Area
from apps.core.filters import visible
from apps.party.models import PartnerUnit

from .choices import EXPIRED, AgreementState, Direction, NeedState, ProjectStatus, ResourceKind
from .models import Agreement, Evaluation, EvaluationRound, JointProject, Need, Resource, today


class AgreementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("title, unit or area"))
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[*AgreementState.choices, (EXPIRED, _("expired"))],
        label=_("state (active means in force)"),
    )
    partner_unit = django_filters.ModelChoiceFilter(queryset=visible(PartnerUnit))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()

    class Meta:
        model = Agreement
        fields = ["q", "state", "partner_unit", "area", "ancestor"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(partner_unit__name__icontains=value)
            | Q(area__name__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        if value == EXPIRED:
            return queryset.filter(state=AgreementState.ACTIVE, valid_until__lt=today())
        if value == AgreementState.ACTIVE:
            return queryset.filter(state=AgreementState.ACTIVE, valid_until__gte=today())
        return queryset.filter(state=value)


class _ItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("title or description"))
    agreement = django_filters.ModelChoiceFilter(queryset=visible(Agreement))
    ancestor = AncestorFilter()

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class ResourceFilterSet(_ItemFilterSet):
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices)

    class Meta:
        model = Resource
        fields = ["q", "agreement", "kind", "ancestor"]


class NeedFilterSet(_ItemFilterSet):
    state = django_filters.ChoiceFilter(choices=NeedState.choices)
    taken_by = django_filters.ModelChoiceFilter(queryset=visible(PartnerUnit))

    class Meta:
        model = Need
        fields = ["q", "agreement", "state", "taken_by", "ancestor"]


class JointProjectFilterSet(_ItemFilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)

    class Meta:
        model = JointProject
        fields = ["q", "agreement", "status", "ancestor"]


class EvaluationRoundFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="area__name", lookup_expr="icontains", label=_("area name"))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))

    class Meta:
        model = EvaluationRound
        fields = ["q", "year", "area"]


class EvaluationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("unit, area or comment"))
    round = django_filters.ModelChoiceFilter(queryset=visible(EvaluationRound))
    agreement = django_filters.ModelChoiceFilter(queryset=visible(Agreement))
    direction = django_filters.ChoiceFilter(choices=Direction.choices)

    class Meta:
        model = Evaluation
        fields = ["q", "round", "agreement", "direction"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(agreement__partner_unit__name__icontains=value)
            | Q(agreement__area__name__icontains=value)
            | Q(comment__icontains=value)
        )
