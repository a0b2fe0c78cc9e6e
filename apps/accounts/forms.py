from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.departments.models import Department

from .roles import GRANTABLE_ROLES, ROLE_LEVELS, BuildingLeaderKind


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Checks the old password through authenticate(), so that django-axes counts wrong guesses here too
    and a left-open session cannot be used to try passwords without limit."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class _RoleFieldsForm(BootstrapFormMixin, forms.Form):
    """The role, and the area (by code) or department it is held for.

    The area is typed as its code and looked up among the areas the admin sees, so that the form works in
    a district of thousands of buildings; the page suggests codes as the admin types.
    """

    role = forms.ChoiceField(label=_("role"), choices=[("", "---------"), *GRANTABLE_ROLES])
    area = forms.CharField(
        label=_("area code"),
        max_length=32,
        required=False,
        help_text=_("Type a name or code to see suggestions; every role but department handler needs one."),
    )
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.none(), required=False
    )
    is_full_time = forms.BooleanField(label=_("full-time"), required=False)
    leader_kind = forms.ChoiceField(label=_("building leader kind"), required=False)

    def __init__(self, *args, areas, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.fields["department"].queryset = departments
        self.fields["leader_kind"].choices = [("", "---------"), *BuildingLeaderKind.choices]
        self.fields["area"].widget.attrs.update(
            {
                "list": "area-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("accounts:area_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#area-options",
                "hx-include": "[name=role]",
            }
        )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role is None:
            return data
        code = data.get("area", "").strip()
        if ROLE_LEVELS[role] is None:
            data["area"] = None
            if data.get("department") is None and "department" not in self.errors:
                self.add_error("department", _("A department handler is appointed to a department."))
        else:
            data["department"] = None
            if not code:
                self.add_error("area", _("This role is held for an area: enter its code."))
            else:
                data["area"] = self.areas.filter(code=code).first()
                if data["area"] is None:
                    self.add_error("area", _("None of your areas has the code %(code)s.") % {"code": code})
        return data


class RoleGrantForm(_RoleFieldsForm):
    pass


class UserCreateForm(_RoleFieldsForm):
    username = forms.CharField(label=_("username"), max_length=150, validators=[UnicodeUsernameValidator()])
    full_name = forms.CharField(label=_("full name"), max_length=100)
    password = forms.CharField(
        label=_("initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "full_name", "password", "role", "area", "department"]
