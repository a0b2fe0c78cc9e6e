"""The inbox's filter form. It parses input only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin

from .choices import NotificationKind, ShowFilter


class InboxFilterForm(BootstrapFormMixin, forms.Form):
    show = forms.ChoiceField(label=_("show"), required=False, choices=ShowFilter.choices)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all kinds")), *NotificationKind.choices]
