"""Forms of the party pages. They parse input only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.areas.choices import AreaLevel
from apps.areas.forms import AreaChoiceField
from apps.areas.models import Area
from apps.core.forms import BootstrapFormMixin, SubmitOnceForm

from .choices import Gender, PartnerUnitType, RegistrationSource, RegistrationState
from .models import PartnerUnit, PartyMember, PartyOrganisation

# Partner units are resident in a district, street or community; grids and buildings are too small.
PARTNER_UNIT_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


class RosterFilterForm(BootstrapFormMixin, forms.Form):
    working = forms.BooleanField(label=_("working members only"), required=False)


class PartnerUnitFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    unit_type = forms.ChoiceField(label=_("type"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_type"].choices = [("", _("all types")), *PartnerUnitType.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("name, address or contact")


class MemberForm(BootstrapFormMixin, SubmitOnceForm):
    name = forms.CharField(label=_("name"), max_length=50)
    gender = forms.ChoiceField(label=_("gender"), required=False)
    birth_year = forms.IntegerField(label=_("birth year"), required=False, min_value=1900, max_value=2100)
    joined_on = forms.DateField(
        label=_("joined the party on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_working_member = forms.BooleanField(label=_("working member (在职党员)"), required=False)
    workplace = forms.CharField(label=_("workplace"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", "---------"), *Gender.choices]


class SecretaryForm(BootstrapFormMixin, forms.Form):
    secretary = forms.ModelChoiceField(
        label=_("secretary"),
        queryset=PartyMember.objects.none(),
        required=False,
        empty_label=_("(no secretary)"),
        error_messages={"invalid_choice": _("The secretary must be a member of the organisation.")},
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = members


class PartTimeMemberForm(BootstrapFormMixin, SubmitOnceForm):
    partner_unit = forms.ModelChoiceField(label=_("partner unit"), queryset=PartnerUnit.objects.none())
    name = forms.CharField(label=_("name"), max_length=50)
    position = forms.CharField(label=_("position in the unit"), max_length=50, required=False)

    def __init__(self, *args, partner_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_unit"].queryset = partner_units


class PartnerUnitForm(BootstrapFormMixin, SubmitOnceForm):
    area = AreaChoiceField(label=_("area"), queryset=Area.objects.none())
    name = forms.CharField(label=_("name"), max_length=150)
    unit_type = forms.ChoiceField(label=_("type"), choices=PartnerUnitType.choices)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=30, required=False)

    def __init__(self, *args, visible_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = visible_areas.filter(level__in=PARTNER_UNIT_LEVELS)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PartyMember) -> str:
        return f"{obj.name} · {obj.organisation.name}"


class RegistrationFilterForm(BootstrapFormMixin, forms.Form):
    SERVING = "serving"
    IDLE = "idle"

    q = forms.CharField(label=_("member name"), required=False, max_length=50)
    state = forms.ChoiceField(label=_("state"), required=False)
    activity = forms.ChoiceField(label=_("activity"), required=False)
    grid = AreaChoiceField(
        label=_("grid"), queryset=Area.objects.none(), required=False, empty_label=_("all grids")
    )
    # Set by the link on an organisation's page; a hidden field, so that no list of organisations is loaded.
    organisation = forms.ModelChoiceField(
        queryset=PartyOrganisation.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, grids, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("all states")), *RegistrationState.choices]
        self.fields["activity"].choices = [
            ("", _("active or not")),
            (self.SERVING, _("active (served in the last 90 days)")),
            (self.IDLE, _("not active")),
        ]
        self.fields["grid"].queryset = grids
        self.fields["organisation"].queryset = organisations
        self.fields["q"].widget.attrs["placeholder"] = _("member name")


class RegistrationForm(BootstrapFormMixin, SubmitOnceForm):
    member = MemberChoiceField(
        label=_("working member"),
        queryset=PartyMember.objects.none(),
        error_messages={"invalid_choice": _("Choose a working member you can see.")},
    )
    community = AreaChoiceField(label=_("residence community"), queryset=Area.objects.none())
    source = forms.ChoiceField(label=_("registered by the side of"), choices=RegistrationSource.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, members, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["community"].queryset = communities


class AssignForm(BootstrapFormMixin, forms.Form):
    area = AreaChoiceField(label=_("grid or building"), queryset=Area.objects.none())
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ServiceLogForm(BootstrapFormMixin, SubmitOnceForm):
    title = forms.CharField(label=_("service"), max_length=100)
    served_on = forms.DateField(label=_("served on"), widget=forms.DateInput(attrs={"type": "date"}))
    # The range is the service's to check, so that the page and the API give the same message.
    hours = forms.DecimalField(label=_("hours"), max_digits=4, decimal_places=1)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason for ending"), max_length=300)
