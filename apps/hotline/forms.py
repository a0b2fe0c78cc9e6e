"""The triage page's forms: map an order by hand, or reject it. They parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.areas.models import Area
from apps.cases.models import Category
from apps.core.forms import BootstrapFormMixin

from .filters import OrderFilterSet


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category: Category) -> str:
        return f"{category.parent.name} / {category.name}" if category.parent_id else category.name


class ResolveForm(BootstrapFormMixin, forms.Form):
    category = CategoryChoiceField(
        queryset=Category.objects.filter(is_active=True).select_related("parent"),
        label=_("category"),
        empty_label=_("choose a category"),
    )
    # Set by the place search (an htmx fragment puts the chosen place's id here).
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("place"), widget=forms.HiddenInput)
    remember = forms.BooleanField(
        label=_("remember this mapping"),
        required=False,
        help_text=_("Later orders with the same codes become cases on their own."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A place outside the user's scope answers like a missing one.
        self.fields["area"].queryset = Area.objects.restrict(user).filter(is_active=True)
        self.fields["area"].error_messages["required"] = _("Search for the place and choose it.")


class RejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OrderFilterForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = self.fields["q"].label
        self.fields["client"].widget.attrs["placeholder"] = self.fields["client"].label
        for name, empty in (("state", _("any state")), ("reason", _("any reason"))):
            self.fields[name].empty_label = empty
            self.fields[name].widget.choices = self.fields[name].choices


class PageOrderFilterSet(OrderFilterSet):
    class Meta(OrderFilterSet.Meta):
        form = OrderFilterForm
