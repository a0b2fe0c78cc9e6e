"""Forms of the department pages. They parse input only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.areas.choices import AreaLevel
from apps.areas.forms import AreaChoiceField, AreaMultipleChoiceField
from apps.areas.models import Area
from apps.cases.models import Category
from apps.core.forms import BootstrapFormMixin, SubmitOnceForm

from .choices import DepartmentLevel

# A department serves districts, streets or communities; offering every grid and building of a district
# would make the list unusable.
SERVED_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


class DepartmentFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    level = forms.TypedChoiceField(label=_("level"), required=False, coerce=int, empty_value=None, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("all levels")), *DepartmentLevel.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("name")


class _DepartmentFieldsForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    short_name = forms.CharField(label=_("short name"), max_length=30, required=False)
    phone = forms.CharField(label=_("duty phone"), max_length=30, required=False)
    served_areas = AreaMultipleChoiceField(
        label=_("areas served"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Leave empty for the department's own area."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("case categories handled"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args, visible_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_areas"].queryset = visible_areas.filter(level__in=SERVED_LEVELS)
        self.fields["categories"].queryset = Category.objects.filter(is_active=True)
        for name in ("served_areas", "categories"):
            self.fields[name].widget.attrs["size"] = 8


class DepartmentCreateForm(SubmitOnceForm, _DepartmentFieldsForm):
    area = AreaChoiceField(
        label=_("belongs to"),
        queryset=Area.objects.none(),
        help_text=_("A district department belongs to a district, a street department to a street."),
    )
    field_order = ["area", "name", "short_name", "phone", "served_areas", "categories"]

    def __init__(self, *args, visible_areas, **kwargs):
        super().__init__(*args, visible_areas=visible_areas, **kwargs)
        self.fields["area"].queryset = visible_areas.filter(level__in=DepartmentLevel.values)


class DepartmentUpdateForm(_DepartmentFieldsForm):
    is_active = forms.BooleanField(label=_("active"), required=False)

    def __init__(self, *args, department, visible_areas, **kwargs):
        within = visible_areas.filter(**{f"{department.area.level_field}_id": department.area_id})
        super().__init__(*args, visible_areas=within, **kwargs)
