"""Forms of the household and resident pages.

They parse input only; the services decide what is allowed and what is valid, and their errors land on
these fields (`apps.core.forms.add_service_errors`).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin, SubmitOnceForm

from .choices import Gender, HouseholdKind, Relation, Residence, RevealedField
from .models import CareTag, RiskRule


def _text(label, *, rows: int = 2, max_length: int = 2000, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class SearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("address, name, ID number or phone"), required=False, max_length=100)
    area = forms.TypedChoiceField(label=_("area"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("all my areas")), *((area.pk, area.name) for area in areas)]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs |= {
            "placeholder": self.fields["q"].label,
            "autocomplete": "off",
            "enterkeyhint": "search",
        }


class HouseholdForm(BootstrapFormMixin, forms.Form):
    unit = forms.CharField(label=_("unit"), required=False, max_length=10)
    floor = forms.IntegerField(label=_("floor"), required=False)
    room = forms.CharField(label=_("room"), max_length=20)
    address = forms.CharField(
        label=_("address"),
        required=False,
        max_length=200,
        help_text=_("Leave blank to write it from the building, unit and room."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=HouseholdKind.choices)
    notes = _text(_("notes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["floor"].widget.attrs["inputmode"] = "numeric"


class HouseholdCreateForm(SubmitOnceForm, HouseholdForm):
    building = forms.ModelChoiceField(label=_("building"), queryset=None)
    field_order = ["building"]

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.order_fields(self.field_order)


class RiskForm(BootstrapFormMixin, forms.Form):
    rule = forms.ModelChoiceField(
        label=_("risk rule"), queryset=RiskRule.objects.filter(is_active=True), empty_label=None
    )
    reason = _text(_("reason"), max_length=1000)


class ResidentForm(BootstrapFormMixin, SubmitOnceForm):
    name = forms.CharField(label=_("name"), max_length=50)
    relation = forms.ChoiceField(label=_("relation to the head"), choices=Relation.choices)
    residence = forms.ChoiceField(label=_("residence"), choices=Residence.choices)
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=30,
        help_text=_("Gender and birth year are read from it when left blank."),
    )
    phone = forms.CharField(label=_("phone"), required=False, max_length=20)
    gender = forms.ChoiceField(label=_("gender"), required=False, choices=[("", "—"), *Gender.choices])
    birth_year = forms.IntegerField(label=_("birth year"), required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("care groups"),
        required=False,
        queryset=CareTag.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    party_member = forms.ModelChoiceField(label=_("party member"), required=False, queryset=None)

    def __init__(self, *args, party_members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_member"].queryset = party_members
        for name in ("id_number", "phone"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        self.fields["birth_year"].widget.attrs["inputmode"] = "numeric"


class ResidentEditForm(ResidentForm):
    """The stored numbers are never put back into the page, so a blank number field keeps them."""

    def __init__(self, *args, resident, **kwargs):
        super().__init__(*args, **kwargs)
        for name, mask in (("id_number", resident.id_number_mask), ("phone", resident.phone_mask)):
            self.fields[name].help_text = _(
                "Now %(mask)s. Leave blank to keep it; type a new one to change it."
            ) % {"mask": mask or "—"}
            if mask:
                self.fields[name].widget.attrs["placeholder"] = mask


class MoveOutForm(BootstrapFormMixin, forms.Form):
    reason = _text(_("reason"), max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _("For example where the resident moved to.")


class RevealForm(BootstrapFormMixin, forms.Form):
    field = forms.ChoiceField(choices=RevealedField.choices, widget=forms.HiddenInput)
    # Blank passes here so that the service's refusal, which says why a reason is needed, is the one shown.
    reason = forms.CharField(label=_("reason"), required=False, max_length=200)


class AccessLogFilterForm(BootstrapFormMixin, forms.Form):
    after = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    before = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    user = forms.ModelChoiceField(label=_("who"), required=False, queryset=None, empty_label=_("anyone"))

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda user: user.display_name
