"""The user's own API tokens: create (the token is shown once) and revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from parindex.api import actions
from parindex.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the partner or the script that uses it."),
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """Every user manages their own tokens; a token acts with its owner's roles."""
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, created = actions.create_token(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
            form = TokenForm()
        else:
            status = 422
    tokens = ApiToken.objects.filter(user=request.user.pk).order_by("-created_at", "-pk")
    response = render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": tokens, "created": created},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user.pk)
    actions.revoke_token(token, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")
