"""Forms of the project pages. They parse input only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.areas.forms import AreaChoiceField
from apps.areas.models import Area
from apps.core.forms import BootstrapFormMixin, SubmitOnceForm
from apps.party.models import PartyOrganisation

from .choices import EvaluationBy, ProjectKind, ProjectState
from .services import PROJECT_LEVELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    state = forms.ChoiceField(label=_("state"), required=False)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    mine = forms.BooleanField(label=_("my projects"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all kinds")), *ProjectKind.choices]
        self.fields["state"].choices = [("", _("all states")), *ProjectState.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("title, content or measures")


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})"


class ProjectForm(BootstrapFormMixin, SubmitOnceForm):
    """The four fixes: content, owner, deadline, measures (all required, checked again by the service)."""

    area = AreaChoiceField(label=_("area"), queryset=Area.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=ProjectKind.choices)
    title = forms.CharField(label=_("title"), max_length=100)
    content = forms.CharField(label=_("content (定内容)"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = OwnerChoiceField(label=_("owner (定责任人)"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("deadline (定时限)"), widget=DATE)
    measures = forms.CharField(label=_("measures (定措施)"), widget=forms.Textarea(attrs={"rows": 3}))
    organisation = forms.ModelChoiceField(
        label=_("responsible organisation"), queryset=PartyOrganisation.objects.none(), required=False
    )
    budget = forms.DecimalField(
        label=_("budget (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )

    def __init__(self, *args, areas, owners, organisations, with_area: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_area:
            self.fields["area"].queryset = areas.filter(level__in=PROJECT_LEVELS).order_by("code")
        else:
            del self.fields["area"]
        self.fields["owner"].queryset = owners
        self.fields["organisation"].queryset = organisations


class MilestoneForm(BootstrapFormMixin, SubmitOnceForm):
    title = forms.CharField(label=_("milestone"), max_length=100)
    due_on = forms.DateField(label=_("due on"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneCompleteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class CompleteForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("completion summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class EvaluationForm(BootstrapFormMixin, forms.Form):
    score = forms.IntegerField(label=_("score (0-100)"), min_value=0, max_value=100)
    participants = forms.IntegerField(label=_("residents taking part"), required=False, min_value=1)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, by: str, **kwargs):
        kwargs.setdefault("prefix", by)
        super().__init__(*args, **kwargs)
        self.by = by
        self.by_label = EvaluationBy(by).label
        if by != EvaluationBy.RESIDENTS:
            del self.fields["participants"]
