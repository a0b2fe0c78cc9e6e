"""Forms of the pages residents reach without an account: the public report (一键达) and the rating."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin

from .choices import Rating
from .models import Category


def top_categories():
    return Category.objects.filter(is_active=True, parent__isnull=True).order_by("sort_order", "code")


def subcategories(top: Category | None):
    if top is None:
        return Category.objects.none()
    return Category.objects.filter(is_active=True, parent=top).order_by("sort_order", "code")


class ResidentReportForm(BootstrapFormMixin, forms.Form):
    """The kind of problem first (large buttons), then, if the resident likes, the precise subcategory."""

    top = forms.ModelChoiceField(
        queryset=top_categories(),
        label=_("What kind of problem is it?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of problem.")},
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True, parent__isnull=False),
        label=_("More precisely"),
        required=False,
    )
    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Describe the problem.")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"), required=False, widget=forms.FileInput(attrs={"accept": "image/*"})
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only the staff handling your report see it, to call you back."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that what I report here, and my name and phone if I give them, are used to handle "
            "this problem."
        ),
        error_messages={"required": _("Please agree, so that your report can be handled.")},
    )
    # Left empty by people, who never see it; filled in by robots that fill in every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["top"].queryset = top_categories()
        self.fields["top"].widget.attrs["class"] = "btn-check"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def chosen_top(self) -> Category | None:
        """The kind chosen so far, to offer its subcategories when the form is shown again."""
        value = self["top"].value()
        if not value:
            return None
        return top_categories().filter(pk=value).first() if str(value).isdigit() else None

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("Your report could not be sent."), code="honeypot")
        top, category = data.get("top"), data.get("category")
        if top is not None and category is not None and category.parent_id != top.pk:
            self.add_error("category", _("Choose one of the kinds listed under the kind you chose."))
        elif top is not None:
            data["category"] = category or top
        return data


class RatingForm(BootstrapFormMixin, forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with how your case was handled?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to add? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "btn-check"
