"""Forms of the council pages. They parse input only; the services decide what is allowed."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.areas.forms import AreaChoiceField
from apps.areas.models import Area
from apps.cases.choices import Urgency
from apps.cases.models import Category
from apps.core.forms import BootstrapFormMixin, SubmitOnceForm

from .choices import MeetingKind, Outcome
from .models import Topic

# "王芳，居民代表" / "王芳, 物业公司" / "王芳 居民代表": the name, then the role or unit.
_SEPARATOR = re.compile(r"\s*[,，、;；:：\t]\s*|\s+")


def parse_participants(text: str) -> list[dict[str, str]]:
    """One participant a line: the name, then (after a comma or a space) the role or unit."""
    people = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        name, *rest = _SEPARATOR.split(line, maxsplit=1)
        people.append({"name": name, "role": rest[0] if rest else ""})
    return people


def participants_text(participants: list[dict]) -> str:
    return "\n".join(f"{p['name']}，{p['role']}" if p.get("role") else p["name"] for p in participants)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class MeetingFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    held_from = forms.DateField(label=_("held from"), required=False, widget=_date_input())
    held_to = forms.DateField(label=_("held until"), required=False, widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all kinds")), *MeetingKind.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("title, place, host or minutes")


class MeetingForm(BootstrapFormMixin, SubmitOnceForm):
    area = AreaChoiceField(label=_("area"), queryset=Area.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("title"), max_length=150)
    held_at = forms.DateTimeField(
        label=_("held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("place"), max_length=150, required=False)
    host = forms.CharField(label=_("host"), max_length=50, required=False)
    participants = forms.CharField(
        label=_("participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One a line: the name, then a comma and the role or unit, e.g. 王芳，居民代表."),
    )
    minutes = forms.CharField(
        label=_("minutes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas

    def clean_participants(self) -> list[dict[str, str]]:
        return parse_participants(self.cleaned_data["participants"])


class TopicForm(BootstrapFormMixin, SubmitOnceForm):
    title = forms.CharField(label=_("title"), max_length=150)
    description = forms.CharField(
        label=_("description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    raised_by = forms.CharField(label=_("raised by"), max_length=100, required=False)


class ResolutionForm(BootstrapFormMixin, SubmitOnceForm):
    topic = forms.ModelChoiceField(
        label=_("topic"), queryset=Topic.objects.none(), required=False, empty_label=_("(no topic)")
    )
    text = forms.CharField(label=_("resolution"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices, initial=Outcome.ADOPTED)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


class _FollowUpForm(BootstrapFormMixin, forms.Form):
    area = AreaChoiceField(label=_("area"), queryset=Area.objects.none())
    owner = UserChoiceField(label=_("owner"), queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label=_("deadline"), required=False, widget=_date_input())

    def __init__(self, *args, areas, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["owner"].queryset = owners


class TaskForm(_FollowUpForm):
    title = forms.CharField(label=_("title"), max_length=150, required=False)
    description = forms.CharField(
        label=_("description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = ["title", "description", "area", "owner", "deadline"]


class CaseForm(_FollowUpForm):
    title = forms.CharField(label=_("title"), max_length=100, required=False)
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.none(), required=False)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)

    field_order = ["title", "category", "urgency", "area", "owner", "deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by(
            "sort_order", "code"
        )
        self.fields["deadline"].label = _("expected solved by")


class TaskFilterForm(BootstrapFormMixin, forms.Form):
    SHOW_CHOICES = [
        ("open", _("open")),
        ("overdue", _("overdue")),
        ("done", _("done")),
        ("cancelled", _("cancelled")),
        ("all", _("all")),
    ]
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    mine = forms.BooleanField(label=_("mine only"), required=False)
    show = forms.ChoiceField(label=_("show"), required=False, choices=SHOW_CHOICES)


class TaskCompleteForm(BootstrapFormMixin, forms.Form):
    report = forms.CharField(
        label=_("report"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskCancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=500, required=False)
