"""Forms of the departments' side of a case and of the dispatching level's decisions on it.

They parse input only; the services decide what is allowed, and their errors land on these fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.cases.forms import text
from apps.core.forms import BootstrapFormMixin

from .choices import ResponseRating

# An extension is asked in hours: at most the 90 days the service allows.
MAX_EXTENSION_HOURS = 90 * 24


class ReturnForm(BootstrapFormMixin, forms.Form):
    grounds = text(_("grounds for returning it"))
    suggested_department = forms.ModelChoiceField(
        label=_("suggested department"), queryset=None, required=False
    )
    suggested_owner = forms.CharField(
        label=_("or another owner"),
        max_length=100,
        required=False,
        help_text=_("When the right owner is not a department here, for example a property company."),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_department"].queryset = departments


class ExtensionForm(BootstrapFormMixin, forms.Form):
    hours = forms.IntegerField(label=_("more time (hours)"), min_value=1, max_value=MAX_EXTENSION_HOURS)
    reason = text(_("why more time is needed"))


class DecideForm(BootstrapFormMixin, forms.Form):
    """The two submit buttons of the form carry the decision."""

    decision = forms.ChoiceField(
        choices=[("approve", _("approve")), ("refuse", _("refuse"))], widget=forms.HiddenInput
    )
    note = text(_("note"))


class RateResponseForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("response"), choices=ResponseRating.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = text(_("comment"), max_length=500)
