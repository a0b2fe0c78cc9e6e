"""Forms of the import and export pages. They parse input only; `import_start` and `export_workbook`
decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin

from .excel import export_areas


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    strict = forms.BooleanField(
        label=_("Strict: save nothing when any row is wrong"),
        required=False,
        help_text=_("Otherwise the valid rows are saved and every rejected row is listed."),
    )


class ExportForm(BootstrapFormMixin, forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=None,
        required=False,
        empty_label=_("Everywhere I may export"),
    )
    unmasked = forms.BooleanField(
        label=_("Full ID numbers and phones"),
        required=False,
        help_text=_("Needs a role that may see both in full; every number exported is logged."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = export_areas(user)
