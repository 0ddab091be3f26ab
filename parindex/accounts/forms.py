from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import Role, User
from parindex.accounts.permissions import ROLE_LEVELS, Perm, can_grant_role, units_where
from parindex.orgunits.models import Level, Unit


def check_password_pair(form: forms.Form, data: dict[str, Any], user: User) -> None:
    """The two typed passwords agree and pass the validators; errors go on the form."""
    p1, p2 = data.get("password1"), data.get("password2")
    if p1 and p2 and p1 != p2:
        form.add_error("password2", _("The two passwords differ."))
    elif p1:
        try:
            password_validation.validate_password(p1, user)
        except forms.ValidationError as exc:
            form.add_error("password1", exc)


# Past this many units in scope, the unit field lists only the chosen unit and offers a search
# (a national administrator's 3,400 communes would make every form a 300 KB page).
PICK_LIMIT = 200


class UnitSelect(forms.Select):
    template_name = "orgunits/widgets/unit_select.html"
    searchable = False

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["searchable"] = self.searchable
        return context


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    widget = UnitSelect

    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.code})"


def scope_units(user: User) -> Any:
    return (
        units_where(user, Perm.MANAGE_USERS)
        .valid_on(timezone.localdate())
        .exclude(level=Level.OFFICE)
        .order_by("path")
    )


def limit_unit_field(form: forms.Form, by: User, name: str = "unit") -> None:
    """Give the unit field the user's scope; list it whole when small, else search it."""
    field: UnitChoiceField = form.fields[name]  # type: ignore[assignment]
    units = scope_units(by)
    field.queryset = units
    if units.count() <= PICK_LIMIT:
        return
    chosen = form.data.get(form.add_prefix(name)) if form.is_bound else form.initial.get(name)
    chosen_pk = getattr(chosen, "pk", chosen)
    shown = list(units.filter(pk=chosen_pk)) if str(chosen_pk or "").isdigit() else []
    widget: UnitSelect = field.widget  # type: ignore[assignment]
    widget.choices = [("", _("— find the unit above —"))] + [
        (u.pk, field.label_from_instance(u)) for u in shown
    ]
    widget.searchable = True


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and . @ + - _ only, no spaces.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Role on this unit"), choices=[], required=False)
    password1 = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by = by
        limit_unit_field(self, by)
        self.fields["role"].choices = [("", _("— no role yet —")), *Role.choices]  # type: ignore[attr-defined]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_password_pair(
            self, data, User(username=data.get("username", ""), full_name=data.get("full_name", ""))
        )
        role, unit = data.get("role"), data.get("unit")
        if role and unit and not can_grant_role(self.by, role, unit):
            self.add_error("role", _("You cannot grant this role on this unit."))
        return data


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    field_codes = forms.CharField(
        label=_("Limited to fields"),
        required=False,
        help_text=_("Appraisers only: field codes separated by commas, e.g. 1, 2. Empty = all."),
    )
    valid_to = forms.DateField(label=_("Valid until"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by = by
        limit_unit_field(self, by)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, unit = data.get("role"), data.get("unit")
        if role and unit:
            if unit.level not in ROLE_LEVELS[role]:
                self.add_error("unit", _("This role cannot be granted on a unit of this level."))
            elif not can_grant_role(self.by, role, unit):
                self.add_error("role", _("You cannot grant this role on this unit."))
        codes = [c.strip() for c in (data.get("field_codes") or "").split(",") if c.strip()]
        if codes and role != Role.APPRAISER:
            self.add_error("field_codes", _("Only an appraiser's role can be limited to fields."))
        data["field_codes"] = codes
        return data


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_unit_field(self, by)


class ManagerPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, target: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target = target

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_password_pair(self, data, self.target)
        return data
