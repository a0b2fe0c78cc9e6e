"""Forms of the staff intake page. They parse input only; `case_intake` decides what is allowed."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import user_scope
from apps.core.forms import BootstrapFormMixin
from apps.departments.models import Department

from .choices import REPORTABLE_CHANNELS, Channel, IntakeRoute, Urgency
from .intake import reportable_areas
from .models import Category

# Cases from other systems come through the API; a person at the form takes down all the other channels.
FORM_CHANNELS = [(value, label) for value, label in REPORTABLE_CHANNELS if value != Channel.SYSTEM]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; their type and size are checked by the service, with the rest of the case."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


def category_groups(categories: list[Category]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Active categories grouped under their top category, for a select with optgroups: the top category
    itself first (for what fits none of its subcategories), then the ones below it, by their path."""
    by_id = {category.pk: category for category in categories}
    groups: dict[int, list[tuple[int, str]]] = {}
    for category in categories:
        chain = [category]
        while chain[-1].parent_id is not None and chain[-1].parent_id in by_id:
            chain.append(by_id[chain[-1].parent_id])
        top = chain[-1]
        if top.parent_id is not None:  # below an inactive category
            continue
        if category is top:
            groups.setdefault(top.pk, []).insert(0, (top.pk, _("%(name)s (other)") % {"name": top.name}))
        else:
            groups.setdefault(top.pk, []).append(
                (category.pk, " / ".join(c.name for c in reversed(chain[:-1])))
            )
    return [(by_id[top].name, options) for top, options in groups.items()]


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))


def category_field() -> forms.ModelChoiceField:
    """Its grouped choices are set by the form, per request (see `category_groups`)."""
    return forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True),
        label=_("category"),
        error_messages={"invalid_choice": _("Choose a category that is in use.")},
    )


class IntakeForm(BootstrapFormMixin, forms.Form):
    # A repeated submission (a double click, a resent form) finds the case the first one made.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    category = category_field()
    title = forms.CharField(label=_("title"), max_length=100)
    description = forms.CharField(
        label=_("description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    channel = forms.ChoiceField(label=_("channel"), choices=FORM_CHANNELS, initial=Channel.GRID_WORKER)
    area = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        label=_("place"),
        error_messages={
            "required": _("Choose the place of the case."),
            "invalid_choice": _("Choose a place where you may report cases."),
        },
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    longitude = forms.FloatField(label=_("longitude"), required=False, min_value=-180, max_value=180)
    latitude = forms.FloatField(label=_("latitude"), required=False, min_value=-90, max_value=90)
    reporter_name = forms.CharField(label=_("reporter's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("reporter's phone"), max_length=20, required=False)
    photos = MultipleFileField(label=_("photos"), widget=MultipleFileInput(attrs={"accept": "image/*"}))
    files = MultipleFileField(label=_("files"), help_text=_("PDF, Word or Excel."))
    route = forms.ChoiceField(
        label=_("route now"),
        choices=IntakeRoute.choices,
        initial=IntakeRoute.LEAVE,
        required=False,
        widget=forms.RadioSelect,
    )
    department = forms.ModelChoiceField(queryset=None, label=_("department"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "---------"), *category_groups(active_categories())]
        self.fields["area"].queryset = reportable_areas(user)
        self.may_route = user_scope(user).allows("case.triage")
        if self.may_route:
            # Any department the user sees is accepted, so that the service explains one that does not
            # serve the place; the page offers only those that do.
            self.fields["department"].queryset = Department.objects.restrict(user).filter(is_active=True)
        else:
            del self.fields["route"]
            del self.fields["department"]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def report_fields(self) -> dict:
        """The cleaned data as `case_report` takes it."""
        data = self.cleaned_data
        names = ("category", "title", "description", "urgency", "channel", "area", "address")
        names += (
            "longitude",
            "latitude",
            "reporter_name",
            "reporter_phone",
            "idempotency_key",
            "photos",
            "files",
        )
        return {name: data[name] for name in names}


class SuggestionForm(forms.Form):
    """What the duplicate and routing panels read from the half-filled intake form; anything missing or
    out of scope leaves the panel with its prompt."""

    category = forms.ModelChoiceField(queryset=Category.objects.filter(is_active=True), required=False)
    area = forms.ModelChoiceField(queryset=None, required=False)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = reportable_areas(user)

    def clean(self):
        data = super().clean()
        if data.get("longitude") is None or data.get("latitude") is None:
            data["longitude"] = data["latitude"] = None
        return data
