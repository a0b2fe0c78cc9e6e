"""Forms of the visit pages: the visit form, the "report a problem" form of a visit page and the filters of
the visit list. They parse input only; `apps.visits.services` decides what is allowed."""

import uuid

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import PERMISSIONS
from apps.accounts.scope import subtree_filter, user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.cases.choices import Urgency
from apps.cases.forms import PhotosField
from apps.cases.intake_forms import active_categories, category_field, category_groups
from apps.core.forms import BootstrapFormMixin
from apps.residents.models import Household

from .choices import VisitKind
from .filters import VisitFilterSet

# What <input type="datetime-local"> sends and shows: minutes, no seconds, no zone.
LOCAL_MINUTES = "%Y-%m-%dT%H:%M"


def loggable(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` (a PlacedInArea model) in the areas where the user logs visits."""
    return queryset.holding(user, "visit.log")


def loggable_places(user) -> QuerySet[Area]:
    """The grids and buildings a visit may be placed in without a household."""
    areas = Area.objects.filter(level__in=(AreaLevel.GRID, AreaLevel.BUILDING), is_active=True)
    return loggable(user, areas).order_by("code")


def loggable_households(user) -> QuerySet[Household]:
    return loggable(user, Household.objects.filter(is_active=True)).select_related("building")


def segmented(form: forms.Form, *names: str) -> None:
    """Radio buttons drawn as a row of segmented buttons big enough for a thumb (visits/_segmented.html)."""
    for name in names:
        form.fields[name].widget.attrs.update({"class": "btn-check", "autocomplete": "off"})


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_MINUTES)


class ProblemFields(forms.Form):
    """What a case found on a visit needs: the fields of the visit form's "found a problem" part and of the
    visit page's report form."""

    category = category_field()
    title = forms.CharField(label=_("title"), max_length=100)
    description = forms.CharField(
        label=_("description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(
        label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "---------"), *category_groups(active_categories())]


class ReportForm(BootstrapFormMixin, ProblemFields):
    """Report a problem from a visit already logged (the visit page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        segmented(self, "urgency")


class VisitForm(BootstrapFormMixin, forms.Form):
    # A form sent twice (a double tap, a resend on a weak network) finds the visit the first one logged.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=VisitKind.choices, widget=forms.RadioSelect)
    household = forms.ModelChoiceField(
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
        label=_("household"),
        error_messages={"invalid_choice": _("Choose a household where you log visits.")},
    )
    area = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("place"),
        empty_label=_("choose a grid or building"),
        error_messages={"invalid_choice": _("Choose a grid or building where you log visits.")},
    )
    visited_at = forms.DateTimeField(label=_("time"), widget=LocalDateTimeInput)
    met = forms.CharField(label=_("who was met"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(help_text=_("Up to 9 photos: JPEG, PNG or WebP."))
    longitude = forms.DecimalField(
        label=_("longitude"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    latitude = forms.DecimalField(
        label=_("latitude"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    follow_up = forms.BooleanField(label=_("follow-up needed"), required=False)
    follow_up_note = forms.CharField(label=_("what to follow up"), max_length=200, required=False)
    found_problem = forms.BooleanField(label=_("found a problem"), required=False)
    problem_category = category_field()
    problem_title = forms.CharField(label=_("title"), max_length=100, required=False)
    problem_description = forms.CharField(
        label=_("description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Left empty, the notes of the visit are used."),
    )
    problem_urgency = forms.ChoiceField(
        label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = loggable_households(user)
        self.fields["area"].queryset = loggable_places(user)
        self.fields["problem_category"].required = False
        self.fields["problem_category"].label = _("category")
        self.fields["problem_category"].choices = [("", "---------"), *category_groups(active_categories())]
        segmented(self, "kind", "problem_urgency")
        self.fields["photos"].widget.attrs["data-visit-photos"] = ""
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            self.initial.setdefault("visited_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean(self):
        data = super().clean()
        if data.get("found_problem") and not data.get("problem_category"):
            self.add_error("problem_category", _("Choose the category of the problem."))
        return data

    def visit_fields(self) -> dict:
        """The cleaned data as `visit_log` takes it, without the problem."""
        data = self.cleaned_data
        names = ("kind", "household", "visited_at", "longitude", "latitude", "met", "notes")
        names += ("follow_up", "follow_up_note", "photos", "idempotency_key")
        fields = {name: data[name] for name in names}
        # A household decides the place; the place chooser is for patrols and collection rounds.
        fields["area"] = None if data["household"] else data["area"]
        return fields


class VisitFilterForm(BootstrapFormMixin, forms.Form):
    """The look of the visit list's filters; the fields are VisitListFilterSet's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].label = _("kind")
        self.fields["area"].label = _("area")
        # The widget holds a copy of the class's choices: give it this field's, which read this label.
        self.fields["kind"].empty_label = _("any kind")
        self.fields["kind"].widget.choices = self.fields["kind"].choices


def visit_workers(request) -> QuerySet[User]:
    """The worker filter's choices: those who hold a role that logs visits where the requesting user sees
    visits."""
    roles = [role for role, permissions in PERMISSIONS.items() if "visit.log" in permissions]
    workers = User.objects.filter(roles__revoked_at__isnull=True, roles__role__in=roles)
    scope = user_scope(request.user)
    if not scope.unrestricted:
        condition = subtree_filter(scope.areas("visit.view"), prefix="roles__")
        workers = workers.filter(condition) if condition is not None else workers.none()
    return workers.distinct().order_by("full_name", "pk")


def _date_filter(label, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name="visited_at",
        lookup_expr=lookup,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class VisitListFilterSet(VisitFilterSet):
    """The visit list page's filters: the API's, with days for the date pickers and, to choose from, the
    workers of the user's areas."""

    worker = django_filters.ModelChoiceFilter(
        label=_("grid worker"), queryset=visit_workers, empty_label=_("anyone")
    )
    visited_after = _date_filter(_("from"), "date__gte")
    visited_before = _date_filter(_("to"), "date__lte")

    class Meta(VisitFilterSet.Meta):
        form = VisitFilterForm
