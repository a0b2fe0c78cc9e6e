"""Forms of the micro wish pages. They parse input only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.areas.forms import AreaChoiceField
from apps.areas.models import Area
from apps.core.forms import BootstrapFormMixin, SubmitOnceForm
from apps.party.models import PartnerUnit, PartyMember, PartyOrganisation

from .choices import ClaimantKind, WishCategory, WishState
from .models import RATING_MAX, RATING_MIN

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class WishFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("state"), required=False)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("all states")), *WishState.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("title or description")


class WishForm(BootstrapFormMixin, SubmitOnceForm):
    area = AreaChoiceField(label=_("community, grid or building"), queryset=Area.objects.none())
    title = forms.CharField(label=_("title"), max_length=100)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("category"), choices=WishCategory.choices)
    resident_name = forms.CharField(
        label=_("resident's name"),
        max_length=50,
        help_text=_("Shown in full only to community staff; everyone else sees it masked."),
    )
    consent = forms.BooleanField(
        label=_("The resident agreed to the wish being published"),
        required=False,
        help_text=_("Without the resident's consent the wish cannot be posted."),
    )
    claim_by = forms.DateField(
        label=_("to be claimed by"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Seven days from today when left empty."),
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ClaimForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("claimed by"), choices=ClaimantKind.choices, widget=forms.RadioSelect)
    member = forms.ModelChoiceField(
        label=_("party member"), queryset=PartyMember.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("party organisation"), queryset=PartyOrganisation.objects.none(), required=False
    )
    partner_unit = forms.ModelChoiceField(
        label=_("partner unit"), queryset=PartnerUnit.objects.none(), required=False
    )
    fulfil_by = forms.DateField(
        label=_("to be fulfilled by"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Fourteen days from today when left empty."),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, organisations, partner_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["organisation"].queryset = organisations
        self.fields["partner_unit"].queryset = partner_units

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and not data.get(kind):
            self.add_error(kind, _("Choose the claimant."))
        return data

    def claimant(self) -> dict:
        """The claimant of the chosen kind, as the service takes it."""
        kind = self.cleaned_data["kind"]
        return {kind: self.cleaned_data[kind]}


class FulfilForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("(no rating)")), *((n, "★" * n) for n in range(RATING_MIN, RATING_MAX + 1))],
    )
    thanks = forms.CharField(label=_("thanks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
