from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parindex.accounts import actions, two_factor
from parindex.accounts.forms import GrantForm, ManagerPasswordForm, UserCreateForm, UserEditForm
from parindex.accounts.models import Role, RoleGrant, User
from parindex.accounts.permissions import (
    Perm,
    can_grant_role,
    can_manage_user,
    is_system_admin,
    units_where,
)
from parindex.common.guards import require_any


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        actions.record_password_change(user=self.request.user)  # type: ignore[arg-type]
        return response


def _managed_users(by: User):  # type: ignore[no-untyped-def]
    qs = User.objects.select_related("unit").order_by("unit__path", "username")
    if is_system_admin(by):
        return qs
    # Only a system administrator manages (and so sees) system administrators.
    admins = RoleGrant.objects.active().filter(role=Role.SYSTEM_ADMIN).values("user_id")
    return (
        qs.filter(unit__in=units_where(by, Perm.MANAGE_USERS))
        .filter(is_superuser=False)
        .exclude(pk__in=admins)
    )


def _get_managed_user(request: HttpRequest, pk: int) -> User:
    target = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if not can_manage_user(request.user, target):  # type: ignore[arg-type]
        raise Http404
    return target


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require_any(request, Perm.MANAGE_USERS)
    users = _managed_users(request.user)  # type: ignore[arg-type]
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(full_name__icontains=query)
            | Q(unit__name__icontains=query)
            | Q(unit__code=query)
        )
    page = Paginator(users.prefetch_related("grants__unit"), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "query": query})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    require_any(request, Perm.MANAGE_USERS)
    by: User = request.user  # type: ignore[assignment]
    form = UserCreateForm(request.POST or None, by=by)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = actions.create_user(
                by=by,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                unit=data["unit"],
                password=data["password1"],
                job_title=data["job_title"],
            )
            if data["role"]:
                actions.grant_role(by=by, user=user, role=data["role"], unit=data["unit"])
        messages.success(request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_any(request, Perm.MANAGE_USERS)
    target = _get_managed_user(request, pk)
    by: User = request.user  # type: ignore[assignment]
    form = GrantForm(by=by)
    return _render_detail(request, target, form)


def _render_detail(request: HttpRequest, target: User, form: GrantForm, status: int = 200):  # type: ignore[no-untyped-def]
    by: User = request.user  # type: ignore[assignment]
    grants = [
        (g, can_grant_role(by, g.role, g.unit))
        for g in RoleGrant.objects.active().filter(user=target).select_related("unit")
    ]
    template = "accounts/user_detail.html"
    context = {"target": target, "grants": grants, "form": form}
    if request.htmx:  # type: ignore[attr-defined]
        template = "accounts/user_detail.html#grants"
    return render(request, template, context, status=status)


@login_required
@require_POST
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_any(request, Perm.MANAGE_USERS)
    target = _get_managed_user(request, pk)
    by: User = request.user  # type: ignore[assignment]
    form = GrantForm(request.POST, by=by)
    if not form.is_valid():
        # htmx swaps only 2xx answers: the form with its errors comes back as 200 to htmx.
        return _render_detail(request, target, form, status=200 if request.htmx else 422)  # type: ignore[attr-defined]
    data = form.cleaned_data
    actions.grant_role(
        by=by,
        user=target,
        role=data["role"],
        unit=data["unit"],
        field_codes=data["field_codes"],
        valid_to=data["valid_to"],
        reason=data["reason"],
    )
    messages.success(request, _("Role granted."))
    return _after_grant_change(request, target, by)


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    require_any(request, Perm.MANAGE_USERS)
    target = _get_managed_user(request, pk)
    grant = get_object_or_404(RoleGrant.objects.active(), pk=grant_pk, user=target)
    by: User = request.user  # type: ignore[assignment]
    if not can_grant_role(by, grant.role, grant.unit):
        raise PermissionDenied
    actions.revoke_role(by=by, grant=grant, reason=request.POST.get("reason", ""))
    messages.success(request, _("Role revoked."))
    return _after_grant_change(request, target, by)


def _after_grant_change(request: HttpRequest, target: User, by: User) -> HttpResponse:
    """htmx gets the roles fragment again (with an empty form); a plain POST a redirect."""
    if request.htmx:  # type: ignore[attr-defined]
        return _render_detail(request, target, GrantForm(by=by))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    require_any(request, Perm.MANAGE_USERS)
    target = _get_managed_user(request, pk)
    by: User = request.user  # type: ignore[assignment]
    if target.pk == by.pk:
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    actions.set_user_active(by=by, user=target, active=active)
    messages.success(request, _("Account enabled.") if active else _("Account disabled."))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_any(request, Perm.MANAGE_USERS)
    target = _get_managed_user(request, pk)
    by: User = request.user  # type: ignore[assignment]
    initial = {f: getattr(target, f) for f in actions.EDITABLE_FIELDS}
    form = UserEditForm(request.POST or None, by=by, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        actions.update_user(by=by, user=target, changes=data, reason=reason)
        messages.success(request, _("Account details saved."))
        return redirect("accounts:user_detail", pk=target.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "accounts/user_edit.html", {"form": form, "target": target}, status=status
    )


@login_required
def user_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    require_any(request, Perm.MANAGE_USERS)
    target = _get_managed_user(request, pk)
    by: User = request.user  # type: ignore[assignment]
    if target.pk == by.pk:
        return redirect("accounts:password_change")
    form = ManagerPasswordForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        actions.set_password_by_manager(by=by, user=target, password=form.cleaned_data["password1"])
        messages.success(request, _("New password set. Give it to the account holder in person."))
        return redirect("accounts:user_detail", pk=target.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "accounts/user_password.html", {"form": form, "target": target}, status=status
    )


# --- two-step login ----------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


@login_required
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """The account's security page: two-step login on (enrol with a QR code) or off."""
    user: User = request.user  # type: ignore[assignment]
    enrolled = two_factor.has_device(user)
    required = two_factor.is_required(user)
    form = CodeForm(request.POST or None)
    device = None if enrolled else two_factor.pending_device(user)
    if request.method == "POST" and device is not None and form.is_valid():
        if two_factor.confirm(request, user, device, form.cleaned_data["code"]):
            messages.success(request, _("Two-step login is on."))
            return redirect("accounts:two_factor")
        form.add_error("code", _("This code is not valid. Check the time on your phone."))
    context = {
        "enrolled": enrolled,
        "required": required,
        "form": form,
        "off_form": CodeForm(),
        "qr": two_factor.qr_svg(device) if device is not None else "",
        "secret": two_factor.secret_of(device) if device is not None else "",
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not two_factor.has_device(user) or two_factor.is_required(user):
        raise PermissionDenied
    form = CodeForm(request.POST)
    if form.is_valid() and two_factor.turn_off(user, by=user, code=form.cleaned_data["code"]):
        messages.success(request, _("Two-step login is off."))
    else:
        messages.error(request, _("This code is not valid. Two-step login stays on."))
    return redirect("accounts:two_factor")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The login's second step: the code of the authenticator app."""
    user: User = request.user  # type: ignore[assignment]
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if two_factor.session_state(request) != "verify":
        return redirect(next_url or "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, user, form.cleaned_data["code"]):
            return redirect(next_url or "home")
        form.add_error("code", _("This code is not valid. Check the time on your phone."))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}, status=status
    )
