"""Framework pages: list, import, the tree (with inline editing of a draft), versions, comparison.

Reading a published framework: everyone it concerns. Everything else: the issuing unit's
secretariat (see `permissions.py`). A read out of reach is a 404, a write a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from parindex.accounts.permissions import Perm
from parindex.common.guards import require_any
from parindex.frameworks import actions
from parindex.frameworks.diff import compare, framework_changes
from parindex.frameworks.display import RULE_NAMES, rule_text
from parindex.frameworks.excel_io import write_xlsx
from parindex.frameworks.forms import ArchiveForm, CloneForm, FrameworkForm, ImportForm, NodeForm
from parindex.frameworks.library import shipped
from parindex.frameworks.models import Framework, Node, Status
from parindex.frameworks.permissions import (
    can_manage_framework,
    can_view_framework,
    visible_frameworks,
)
from parindex.frameworks.problems import issue_rows, message
from parindex.frameworks.rules import Problem
from parindex.frameworks.selectors import spec_of, tree_rows
from parindex.frameworks.spec import FrameworkSpec
from parindex.frameworks.yaml_io import dump_yaml

FACT_LABELS = {
    "name": _lazy("name"),
    "years": _lazy("years"),
    "decision": _lazy("issuing decision"),
    "total": _lazy("total points"),
    "bonus": _lazy("bonus points, at most"),
    "penalty": _lazy("penalty points, at most"),
    "bands": _lazy("classification bands"),
    "groups": _lazy("unit groups"),
}


def _framework(request: HttpRequest, pk: int, *, manage: bool = False) -> Framework:
    framework = get_object_or_404(Framework.objects.select_related("owner"), pk=pk)
    if not can_view_framework(request.user, framework):  # type: ignore[arg-type]
        raise Http404
    if manage and not can_manage_framework(request.user, framework):  # type: ignore[arg-type]
        raise PermissionDenied
    return framework


def _node(framework: Framework, node_pk: int) -> Node:
    return get_object_or_404(
        Node.objects.select_related("parent").prefetch_related("evidence"),
        pk=node_pk,
        framework=framework,
    )


def _refuse(
    request: HttpRequest, framework: Framework, exc: actions.FrameworkError
) -> HttpResponse:
    for problem in exc.problems[:10]:
        messages.error(request, message(problem))
    return redirect("frameworks:detail", framework.pk)


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = (
        visible_frameworks(request.user)  # type: ignore[arg-type]
        .select_related("owner", "previous")
        .order_by("status", "-year_from", "code")
    )
    can_add = bool(_issuers(request))
    return render(
        request,
        "frameworks/framework_list.html",
        {"frameworks": frameworks, "can_add": can_add},
    )


def _issuers(request: HttpRequest) -> Any:
    from parindex.frameworks.forms import issuer_units

    return issuer_units(request.user)


@login_required
def framework_import(request: HttpRequest) -> HttpResponse:
    require_any(request, Perm.MANAGE_FRAMEWORKS)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = actions.import_framework(
                by=request.user,  # type: ignore[arg-type]
                owner=form.cleaned_data["owner"],
                data=upload.read(),
                filename=upload.name,
            )
            if result.framework is not None:
                messages.success(
                    request,
                    _("Framework %(code)s imported as a draft: check it, then publish it.")
                    % {"code": result.framework.code},
                )
                return redirect("frameworks:detail", result.framework.pk)
    rows = issue_rows(result.issues, result.rows_of) if result else []
    return render(
        request,
        "frameworks/framework_import.html",
        {"form": form, "issues": rows},
        status=status,
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The shipped framework as an Excel file: the layout to fill in."""
    require_any(request, Perm.MANAGE_FRAMEWORKS)
    return _download(write_xlsx(shipped()), "mau-bo-chi-so.xlsx", XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def framework_create(request: HttpRequest) -> HttpResponse:
    """A new, empty draft, to fill in on its page."""
    require_any(request, Perm.MANAGE_FRAMEWORKS)
    owner_form = ImportForm(request.POST or None, user=request.user)
    del owner_form.fields["file"]
    form = FrameworkForm(request.POST or None, initial={"total": "100", "scored_level": "commune"})
    if request.method == "POST" and form.is_valid() and owner_form.is_valid():
        data = form.changes()
        spec = FrameworkSpec(
            code=data["code"],
            name=data["name"],
            year_from=data["year_from"],
            year_to=data["year_to"],
            level=data["scored_level"],
            decision=data["decision"],
            description=data["description"],
            total=data["total"],
            bonus_max=data["bonus_max"],
            bonus_needs_evidence=data["bonus_needs_evidence"],
            penalty_max=data["penalty_max"],
            penalty_needs_evidence=data["penalty_needs_evidence"],
        )
        try:
            framework = actions.create_framework(
                by=request.user,  # type: ignore[arg-type]
                owner=owner_form.cleaned_data["owner"],
                spec=spec,
            )
        except actions.FrameworkError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if data["bands"] or data["groups"]:
                actions.update_framework(
                    framework,
                    by=request.user,  # type: ignore[arg-type]
                    changes={"bands": data["bands"], "groups": data["groups"]},
                )
            messages.success(request, _("Draft created: add its fields and criteria."))
            return redirect("frameworks:detail", framework.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "frameworks/framework_form.html",
        {"form": form, "owner_form": owner_form, "framework": None},
        status=status,
    )


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    rows, general, counts = tree_rows(framework)
    manage = can_manage_framework(request.user, framework)  # type: ignore[arg-type]
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "framework": framework,
            "rows": [_row_context(r.node, r.is_leaf, r.problems) for r in rows],
            "general": [message(p) for p in general],
            "node_problems": [(r.node, message(p)) for r in rows for p in r.problems],
            "counts": counts,
            "editable": manage and framework.status == Status.DRAFT,
            "manage": manage,
            "next_versions": [
                v
                for v in framework.next_versions.select_related("owner")
                if can_view_framework(request.user, v)  # type: ignore[arg-type]
            ],
            "archive_form": ArchiveForm(),
        },
    )


def _row_context(node: Node, is_leaf: bool, problems: list[Any] | None = None) -> dict[str, Any]:
    rule = node.parsed_rule()
    return {
        "node": node,
        "is_leaf": is_leaf,
        "rule_name": RULE_NAMES[rule.kind] if rule else "",
        "rule_text": rule_text(rule),
        "problems": [message(p) for p in (problems or [])],
        "evidence": list(node.evidence.all()),
    }


def _node_row(request: HttpRequest, framework: Framework, node: Node) -> HttpResponse:
    """The node's row after a change, with the problems panel refreshed out of band."""
    rows, general, counts = tree_rows(framework)
    row = next(r for r in rows if r.node.pk == node.pk)
    return render(
        request,
        "frameworks/_node_row_oob.html",
        {
            "framework": framework,
            "row": _row_context(row.node, row.is_leaf, row.problems),
            "general": [message(p) for p in general],
            "node_problems": [(r.node, message(p)) for r in rows for p in r.problems],
            "counts": counts,
            "editable": True,
        },
    )


@login_required
def node_row(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    node = _node(framework, node_pk)
    return render(
        request,
        "frameworks/_node_row.html",
        {
            "framework": framework,
            "row": _row_context(node, not node.children.exists()),
            "editable": can_manage_framework(request.user, framework)  # type: ignore[arg-type]
            and framework.status == Status.DRAFT,
        },
    )


def _draft_or_refuse(request: HttpRequest, framework: Framework) -> HttpResponse | None:
    if framework.status == Status.DRAFT:
        return None
    text = message(Problem("action.not_draft", {"status": framework.get_status_display()}))
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse(text, status=409)
    messages.error(request, text)
    return redirect("frameworks:detail", framework.pk)


@login_required
def node_edit(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    framework = _framework(request, pk, manage=True)
    node = _node(framework, node_pk)
    refused = _draft_or_refuse(request, framework)
    if refused is not None:
        return refused
    form = NodeForm(request.POST or None, initial=NodeForm.initial_of(node))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_node(
                node,
                by=request.user,  # type: ignore[arg-type]
                data=form.node_data(),
                expected_version=form.cleaned_data["version"],
            )
        except actions.FrameworkError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        else:
            if request.htmx:  # type: ignore[attr-defined]
                return _node_row(request, framework, node)
            messages.success(request, _("Criterion %(code)s saved.") % {"code": node.code})
            return redirect(reverse("frameworks:detail", args=[framework.pk]) + f"#node-{node.pk}")
    return _node_form(request, framework, form, node=node, parent=node.parent)


def _node_form(
    request: HttpRequest,
    framework: Framework,
    form: NodeForm,
    *,
    node: Node | None,
    parent: Node | None,
) -> HttpResponse:
    context = {"framework": framework, "form": form, "node": node, "parent": parent}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "frameworks/_node_form.html", context)
    status = 422 if request.method == "POST" else 200
    return render(request, "frameworks/node_form_page.html", context, status=status)


@login_required
def node_add(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, manage=True)
    refused = _draft_or_refuse(request, framework)
    if refused is not None:
        return refused
    parent_pk = request.POST.get("parent") or request.GET.get("parent")
    parent = _node(framework, int(parent_pk)) if parent_pk and parent_pk.isdigit() else None
    siblings = framework.nodes.filter(parent=parent).count()
    suggested = f"{parent.code}.{siblings + 1}" if parent else str(siblings + 1)
    form = NodeForm(request.POST or None, initial={"code": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            node = actions.add_node(
                framework,
                by=request.user,  # type: ignore[arg-type]
                parent=parent,
                data=form.node_data(),
            )
        except actions.FrameworkError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        else:
            messages.success(request, _("Criterion %(code)s added.") % {"code": node.code})
            target = reverse("frameworks:detail", args=[framework.pk]) + f"#node-{node.pk}"
            if request.htmx:  # type: ignore[attr-defined]
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
    return _node_form(request, framework, form, node=None, parent=parent)


@login_required
@require_POST
def node_delete(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    framework = _framework(request, pk, manage=True)
    node = _node(framework, node_pk)
    refused = _draft_or_refuse(request, framework)
    if refused is not None:
        return refused
    code = node.code
    actions.delete_node(node, by=request.user)  # type: ignore[arg-type]
    messages.success(
        request, _("Criterion %(code)s deleted, with its sub-criteria.") % {"code": code}
    )
    target = reverse("frameworks:detail", args=[framework.pk])
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@login_required
def framework_edit(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, manage=True)
    refused = _draft_or_refuse(request, framework)
    if refused is not None:
        return refused
    form = FrameworkForm(request.POST or None, initial=FrameworkForm.initial_of(framework))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_framework(
                framework,
                by=request.user,  # type: ignore[arg-type]
                changes=form.changes(),
            )
        except actions.FrameworkError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        except ValidationError as exc:
            framework.refresh_from_db()
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Framework saved."))
            return redirect("frameworks:detail", framework.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "frameworks/framework_form.html",
        {"form": form, "framework": framework},
        status=status,
    )


def _ask_confirmation(request: HttpRequest, framework: Framework) -> HttpResponse:
    """An irreversible step needs its box ticked: without it nothing happens, as the page says."""
    messages.error(request, _("Tick the box to confirm, then press the button again."))
    return redirect("frameworks:detail", framework.pk)


@login_required
@require_POST
def framework_publish(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, manage=True)
    if request.POST.get("confirm") != "1":
        return _ask_confirmation(request, framework)
    try:
        actions.publish_framework(framework, by=request.user)  # type: ignore[arg-type]
    except actions.FrameworkError as exc:
        messages.error(
            request,
            _("Not published: %(n)d problem(s) to fix first, listed on the page.")
            % {"n": len(exc.problems)},
        )
        return redirect("frameworks:detail", framework.pk)
    messages.success(request, _("Framework published. It can no longer be changed."))
    return redirect("frameworks:detail", framework.pk)


@login_required
@require_POST
def framework_archive(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, manage=True)
    if request.POST.get("confirm") != "1":
        return _ask_confirmation(request, framework)
    form = ArchiveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.archive_framework(framework, by=request.user, reason=reason)  # type: ignore[arg-type]
    except actions.FrameworkError as exc:
        return _refuse(request, framework, exc)
    messages.success(request, _("Framework archived."))
    return redirect("frameworks:detail", framework.pk)


@login_required
@require_POST
def framework_delete(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, manage=True)
    if request.POST.get("confirm") != "1":
        return _ask_confirmation(request, framework)
    try:
        actions.delete_framework(framework, by=request.user)  # type: ignore[arg-type]
    except actions.FrameworkError as exc:
        return _refuse(request, framework, exc)
    messages.success(request, _("Draft deleted."))
    return redirect("frameworks:list")


@login_required
def framework_clone(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, manage=True)
    year = framework.year_to + 1
    form = CloneForm(
        request.POST or None,
        initial={
            "code": actions.suggested_code(framework, year),
            "name": framework.name.replace(str(framework.year_from), str(year)),
            "year_from": year,
            "year_to": year,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            clone = actions.clone_framework(
                framework,
                by=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except actions.FrameworkError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        else:
            messages.success(
                request,
                _("New version %(code)s created as a draft from %(old)s.")
                % {"code": clone.code, "old": framework.code},
            )
            return redirect("frameworks:detail", clone.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "frameworks/framework_clone.html",
        {"form": form, "framework": framework},
        status=status,
    )


@login_required
def framework_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    framework = _framework(request, pk)
    spec = spec_of(framework)
    name = framework.code.lower()
    if fmt == "xlsx":
        return _download(write_xlsx(spec), f"{name}.xlsx", XLSX)
    if fmt == "yaml":
        return _download(dump_yaml(spec), f"{name}.yaml", "application/yaml; charset=utf-8")
    raise Http404


@login_required
def framework_compare(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    others = (
        visible_frameworks(request.user)  # type: ignore[arg-type]
        .exclude(pk=framework.pk)
        .select_related("owner")
        .order_by("-year_from", "code")
    )
    other_pk = request.GET.get("with", "")
    other = None
    if other_pk.isdigit():
        other = others.filter(pk=int(other_pk)).first()
        if other is None:
            raise Http404
    elif framework.previous_id:
        other = others.filter(pk=framework.previous_id).first()
    changes: list[Any] = []
    facts: list[Any] = []
    if other is not None:
        old, new = spec_of(other), spec_of(framework)
        changes = compare(old, new)
        facts = [
            {"name": FACT_LABELS.get(f.name, f.name), "old": f.old, "new": f.new}
            for f in framework_changes(old, new)
        ]
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return render(
        request,
        "frameworks/framework_compare.html",
        {
            "framework": framework,
            "other": other,
            "others": others,
            "changes": changes,
            "facts": facts,
            "counts": counts,
        },
    )
