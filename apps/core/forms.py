"""What every app's forms share: Bootstrap's look, so that templates render any field with one include, and
the one-time key of create forms."""

import uuid

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class BootstrapFormMixin:
    """Gives each widget Bootstrap's class, and marks the fields that failed validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs['class']} is-invalid"


def add_service_errors(
    form: forms.Form, error: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has that field,
    above the form otherwise."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = rename.get(field, field)
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, errors)


class SubmitOnceForm(forms.Form):
    """A create form that creates once (apps.core.submissions): a hidden one-time key, new on every blank
    form, that `submit_once` spends with what the form creates. The key is taken out of `cleaned_data`
    (services never see it) and kept as `submission_key`; a form sent without one simply is not guarded."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex

    def full_clean(self):
        super().full_clean()
        cleaned = getattr(self, "cleaned_data", {})
        self.submission_key = cleaned.pop("submission_key", "")
