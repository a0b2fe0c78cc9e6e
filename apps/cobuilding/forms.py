"""Forms of the co-building pages. They parse input only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.areas.forms import AreaChoiceField
from apps.areas.models import Area
from apps.core.forms import BootstrapFormMixin, SubmitOnceForm
from apps.party.models import PartnerUnit

from .choices import EXPIRED, AgreementState, Direction, ProjectStatus, ResourceKind
from .models import SCORE_MAX, Agreement

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class AgreementFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("state"), required=False)
    unit = forms.ModelChoiceField(
        label=_("partner unit"),
        queryset=PartnerUnit.objects.none(),
        required=False,
        empty_label=_("all units"),
    )

    def __init__(self, *args, partner_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", _("all states")),
            (AgreementState.ACTIVE, _("in force")),
            (EXPIRED, _("expired")),
            (AgreementState.TERMINATED, _("terminated")),
        ]
        self.fields["unit"].queryset = partner_units
        self.fields["q"].widget.attrs["placeholder"] = _("title, unit or area")


class AgreementForm(BootstrapFormMixin, SubmitOnceForm):
    area = AreaChoiceField(label=_("street or community"), queryset=Area.objects.none())
    partner_unit = forms.ModelChoiceField(label=_("partner unit"), queryset=PartnerUnit.objects.none())
    title = forms.CharField(label=_("title"), max_length=150)
    content = forms.CharField(label=_("content"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    signed_on = forms.DateField(label=_("signed on"), **DATE)
    valid_from = forms.DateField(label=_("valid from"), **DATE)
    valid_until = forms.DateField(label=_("valid until"), **DATE)

    def __init__(self, *args, areas, partner_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["partner_unit"].queryset = partner_units


class ResourceForm(BootstrapFormMixin, SubmitOnceForm):
    title = forms.CharField(label=_("title"), max_length=150)
    kind = forms.ChoiceField(label=_("kind"), choices=ResourceKind.choices)
    quantity = forms.CharField(label=_("quantity"), max_length=100, required=False)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NeedForm(BootstrapFormMixin, SubmitOnceForm):
    title = forms.CharField(label=_("title"), max_length=150)
    needed_by = forms.DateField(label=_("needed by"), required=False, **DATE)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProjectForm(BootstrapFormMixin, SubmitOnceForm):
    title = forms.CharField(label=_("title"), max_length=150)
    planned_on = forms.DateField(label=_("planned on"), required=False, **DATE)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class TakeForm(BootstrapFormMixin, forms.Form):
    partner_unit = forms.ModelChoiceField(label=_("partner unit"), queryset=PartnerUnit.objects.none())

    def __init__(self, *args, partner_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_unit"].queryset = partner_units


class FulfilForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("what was done"), max_length=1000)


class ProjectStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ProjectStatus.choices)
    note = forms.CharField(label=_("note"), max_length=1000, required=False)


class RoundForm(BootstrapFormMixin, SubmitOnceForm):
    area = AreaChoiceField(label=_("street or district"), queryset=Area.objects.none())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("opens on"), **DATE)
    closes_on = forms.DateField(label=_("closes on"), **DATE)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agreement) -> str:
        return f"{obj.area.name} ↔ {obj.partner_unit.name}"


class EvaluationForm(BootstrapFormMixin, forms.Form):
    agreement = AgreementChoiceField(label=_("agreement"), queryset=Agreement.objects.none())
    direction = forms.ChoiceField(label=_("direction"), choices=Direction.choices)
    score = forms.IntegerField(label=_("score (0 to 100)"), min_value=0, max_value=SCORE_MAX)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements
