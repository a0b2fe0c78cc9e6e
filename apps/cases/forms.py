"""Forms of the staff's case pages: the inbox filters and the small action forms of the case page.

They parse input only; the services decide what is allowed, and their errors land on these fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.dispatch.choices import WHISTLE_KINDS, OrderKind, SupervisionLevel

from .choices import CaseStatus, Rating
from .filters import CaseFilterSet


class PhotoInput(forms.FileInput):
    """Several photos at once, taken with the phone's rear camera where there is one."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


class PhotosField(forms.FileField):
    """A list of uploaded photos (possibly empty); `apps.cases.services.check_uploads` checks them."""

    widget = PhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("photos"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(upload, initial) for upload in uploads]


def text(label, *, rows: int = 2, max_length: int = 2000, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


# The inbox


class CaseFilterForm(BootstrapFormMixin, forms.Form):
    """The look of the inbox's filters; the fields are CaseFilterSet's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "q": _("serial, title or address"),
            "category": _("category"),
            "channel": _("channel"),
            "urgency": _("urgency"),
            "area": _("area"),
            "overdue": _("overdue"),
            "reported_after": _("reported from"),
            "reported_before": _("reported before"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["q"].widget.attrs["placeholder"] = labels["q"]
        for name in ("reported_after", "reported_before"):
            self.fields[name].widget.input_type = "date"
        for name, empty in (("channel", _("any channel")), ("urgency", _("any urgency"))):
            # The widget holds a copy of the class's choices: give it this field's, which read this label.
            self.fields[name].empty_label = empty
            self.fields[name].widget.choices = self.fields[name].choices
        # One status at a time; none chosen means the cases still being worked on.
        self.fields["status"].label = _("status")
        self.fields["status"].widget = forms.Select(
            choices=[("", _("open cases")), *CaseStatus.choices], attrs={"class": "form-select"}
        )
        self.fields["overdue"].widget.choices = [
            ("", _("overdue or not")),
            ("true", _("overdue")),
            ("false", _("not overdue")),
        ]


class InboxFilterSet(CaseFilterSet):
    class Meta(CaseFilterSet.Meta):
        form = CaseFilterForm


# Actions on the case page


class ConfirmForm(forms.Form):
    """An action with nothing to fill in (accept)."""


class NoteForm(BootstrapFormMixin, forms.Form):
    note = text(_("note"))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = text(_("reason"))


class DispatchForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=None)
    instructions = text(_("instructions"))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ResolveForm(BootstrapFormMixin, forms.Form):
    account = text(_("what was done"), rows=3)
    photos = PhotosField()


class VerifyForm(BootstrapFormMixin, forms.Form):
    note = text(_("note"))
    photos = PhotosField()


class SendBackForm(BootstrapFormMixin, forms.Form):
    note = text(_("what is still wrong"))


class RateForm(BootstrapFormMixin, forms.Form):
    rating = forms.ChoiceField(
        label=_("the resident's verdict"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = text(_("comment"), max_length=500)


class MergeForm(BootstrapFormMixin, forms.Form):
    into = forms.ModelChoiceField(
        label=_("serial number of the case that goes on"),
        queryset=None,
        to_field_name="serial",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid_choice": _("No case with this serial number.")},
    )
    note = text(_("note"))

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = cases


# The whistle and supervision forms


class WhistleForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("kind of whistle"),
        choices=[(kind.value, kind.label) for kind in WHISTLE_KINDS],
        widget=forms.RadioSelect,
        initial=OrderKind.QUICK,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("departments called"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    lead = forms.ModelChoiceField(
        label=_("lead department"),
        queryset=None,
        required=False,
        help_text=_("For a joint whistle; the first department called leads when none is chosen."),
    )
    reason = text(_("reason"), rows=3)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments
        self.fields["lead"].queryset = departments


class SuperviseForm(BootstrapFormMixin, forms.Form):
    level = forms.ChoiceField(
        label=_("level"),
        choices=SupervisionLevel.choices,
        widget=forms.RadioSelect,
        initial=SupervisionLevel.NORMAL,
    )
    note = text(_("instructions"), rows=3)
    order = forms.ModelChoiceField(
        label=_("department pressed"),
        queryset=None,
        required=False,
        empty_label=_("every department working on the case"),
    )

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
        self.fields["order"].label_from_instance = lambda order: (
            f"{order.department} · {order.get_status_display()}"
        )
