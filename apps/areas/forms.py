"""Forms of the area pages. They parse input only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin, SubmitOnceForm

from .choices import KIND_LEVEL, AreaKind, ComplianceRule
from .models import Area, GridStandard


def kind_choices(level: int) -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in AreaKind if KIND_LEVEL[kind] == level]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.name} ({obj.code})"


class AreaMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.name} ({obj.code})"


def _figures() -> dict[str, forms.Field]:
    return {
        "households": forms.IntegerField(label=_("households"), min_value=0, initial=0),
        "population": forms.IntegerField(label=_("population"), min_value=0, initial=0),
        "centre_lng": forms.FloatField(
            label=_("centre longitude"), required=False, min_value=-180, max_value=180
        ),
        "centre_lat": forms.FloatField(
            label=_("centre latitude"), required=False, min_value=-90, max_value=90
        ),
    }


REASON = {"max_length": 300, "required": False, "label": _("reason")}


class AreaUpdateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"))
    households, population, centre_lng, centre_lat = _figures().values()
    reason = forms.CharField(**REASON)

    def __init__(self, *args, area: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(area.level)


class AreaCreateForm(BootstrapFormMixin, SubmitOnceForm):
    name = forms.CharField(label=_("name"), max_length=100)
    code = forms.CharField(
        label=_("code"),
        max_length=32,
        help_text=_("Stable code: county 6 + street 3 + community 3 + grid 2 digits (buildings add 3)."),
    )
    kind = forms.ChoiceField(label=_("kind"))
    households, population, centre_lng, centre_lat = _figures().values()

    def __init__(self, *args, parent: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(parent.level + 1)
        self.fields["code"].initial = parent.code


class AreaMoveForm(BootstrapFormMixin, forms.Form):
    """`candidates` are offered; any visible area is accepted, so that the service explains a wrong one."""

    new_parent = AreaChoiceField(label=_("new parent area"), queryset=Area.objects.none())
    reason = forms.CharField(**REASON)

    def __init__(self, *args, visible, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_parent"]
        field.queryset = visible
        field.choices = [
            ("", "---------"),
            *((area.pk, field.label_from_instance(area)) for area in candidates),
        ]


class AreaSplitForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("name of the new area"), max_length=100)
    code = forms.CharField(label=_("code of the new area"), max_length=32)
    children = AreaMultipleChoiceField(
        label=_("areas that go to the new area"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    households = forms.IntegerField(
        label=_("households taken"),
        min_value=0,
        initial=0,
        help_text=_("Only figures that no area below carries: the areas moved take their own along."),
    )
    population = forms.IntegerField(label=_("residents taken"), min_value=0, initial=0)
    reason = forms.CharField(**REASON)

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children


class AreaMergeForm(BootstrapFormMixin, forms.Form):
    """`candidates` are offered; any visible area is accepted, so that the service explains a wrong one."""

    sources = AreaMultipleChoiceField(
        label=_("areas merged into this one"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(**REASON)

    def __init__(self, *args, visible, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sources"]
        field.queryset = visible
        field.choices = [(area.pk, field.label_from_instance(area)) for area in candidates]


class ComplianceFilterForm(BootstrapFormMixin, forms.Form):
    rule = forms.ChoiceField(label=_("rule"), required=False)
    area = forms.TypedChoiceField(label=_("area"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("all rules")), *ComplianceRule.choices]
        self.fields["area"].choices = [("", _("all my areas")), *((area.pk, area.name) for area in areas)]


class GridStandardForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = GridStandard
        fields = [
            "households_per_grid_min",
            "households_per_grid_max",
            "community_split_above",
            "community_merge_below",
            "workers_per_10k_residents",
            "grid_head_required",
            "full_time_workers_per_grid",
        ]
