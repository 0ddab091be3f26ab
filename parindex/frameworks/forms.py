"""Forms of the framework pages: a file to import, a draft's facts, a node, a new version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.common.import_files import ImportFile
from parindex.frameworks.actions import ISSUER_LEVELS
from parindex.frameworks.display import RULE_EXAMPLES
from parindex.frameworks.excel_io import evidence_text, parse_evidence
from parindex.frameworks.models import Framework, Node, SourceChoice
from parindex.frameworks.problems import message
from parindex.frameworks.rule_text import format_rule, parse_rule_text
from parindex.frameworks.rules import RuleError, to_decimal
from parindex.frameworks.spec import NodeSpec
from parindex.orgunits.models import Level, Unit


class PointsField(forms.CharField):
    """A number of points, typed the Vietnamese way (0,5) or with a point (0.5)."""

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)
        if text in (None, ""):
            return None
        try:
            number = to_decimal(text)
        except ValueError:
            raise forms.ValidationError(gettext("“%(v)s” is not a number.") % {"v": text}) from None
        return number


def issuer_units(user: Any) -> Any:
    from parindex.accounts.permissions import Perm, units_where

    return units_where(user, Perm.MANAGE_FRAMEWORKS).filter(level__in=ISSUER_LEVELS)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file"),
        help_text=_("Excel (.xlsx) in the layout of the template, or YAML (.yaml)."),
        validators=[ImportFile("xlsx", "yaml")],
    )
    owner = forms.ModelChoiceField(
        label=_("Issued by"), queryset=Unit.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = issuer_units(user).order_by("-valid_from", "path")
        self.fields["owner"].queryset = units  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = _unit_label  # type: ignore[attr-defined]


def _unit_label(unit: Unit) -> str:
    until = f" – {unit.valid_to:%d/%m/%Y}" if unit.valid_to else ""
    return f"{unit.name} ({unit.valid_from:%d/%m/%Y}{until})"


class FrameworkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    code = forms.CharField(label=_("Code"), max_length=50)
    year_from = forms.IntegerField(label=_("From year"), min_value=1990, max_value=2100)
    year_to = forms.IntegerField(label=_("To year"), min_value=1990, max_value=2100)
    scored_level = forms.ChoiceField(label=_("Level scored"), choices=Level.choices)
    decision = forms.CharField(
        label=_("Issuing decision"),
        max_length=500,
        required=False,
        help_text=_("E.g. Quyết định 3395/QĐ-UBND ngày 15/12/2022."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    total = PointsField(label=_("Total points"))
    bonus_max = PointsField(label=_("Bonus points, at most"), required=False)
    bonus_needs_evidence = forms.BooleanField(label=_("Bonus needs evidence"), required=False)
    penalty_max = PointsField(label=_("Penalty points, at most"), required=False)
    penalty_needs_evidence = forms.BooleanField(label=_("Penalty needs evidence"), required=False)
    bands = forms.CharField(
        label=_("Classification bands"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One a line, from the highest: code | name | from points. E.g. XS | Xuất sắc | 90"
        ),
    )
    groups = forms.CharField(
        label=_("Unit groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: code | name | unit kinds. E.g. phuong | Phường | phuong. "
            "Empty: one set of criteria for every unit."
        ),
    )

    @staticmethod
    def initial_of(framework: Framework) -> dict[str, Any]:
        return {
            "name": framework.name,
            "code": framework.code,
            "year_from": framework.year_from,
            "year_to": framework.year_to,
            "scored_level": framework.scored_level,
            "decision": framework.decision,
            "description": framework.description,
            "total": _plain(framework.total),
            "bonus_max": _plain(framework.bonus_max),
            "bonus_needs_evidence": framework.bonus_needs_evidence,
            "penalty_max": _plain(framework.penalty_max),
            "penalty_needs_evidence": framework.penalty_needs_evidence,
            "bands": "\n".join(
                f"{b['code']} | {b['label']} | {_plain(Decimal(str(b['min'])))}"
                for b in framework.bands
            ),
            "groups": "\n".join(
                f"{g['code']} | {g['name']} | {', '.join(g.get('kinds', []))}"
                for g in framework.groups
            ),
        }

    def clean_bands(self) -> list[dict[str, str]]:
        bands = []
        for line in self.cleaned_data["bands"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3:
                raise forms.ValidationError(
                    gettext("“%(line)s”: write code | name | from points.") % {"line": line}
                )
            try:
                minimum = to_decimal(parts[2])
            except ValueError:
                raise forms.ValidationError(
                    gettext("“%(v)s” is not a number.") % {"v": parts[2]}
                ) from None
            bands.append({"code": parts[0], "label": parts[1], "min": str(minimum)})
        return bands

    def clean_groups(self) -> list[dict[str, Any]]:
        from parindex.frameworks.excel_io import kind_words
        from parindex.frameworks.rules import slug

        words = kind_words()
        groups = []
        for line in self.cleaned_data["groups"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3:
                raise forms.ValidationError(
                    gettext("“%(line)s”: write code | name | unit kinds.") % {"line": line}
                )
            kinds = []
            for word in parts[2].split(","):
                if not word.strip():
                    continue
                kind = words.get(slug(word))
                if kind is None:
                    raise forms.ValidationError(
                        gettext("“%(v)s” is not a kind of unit.") % {"v": word.strip()}
                    )
                kinds.append(kind)
            groups.append({"code": parts[0], "name": parts[1], "kinds": kinds})
        return groups

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["bonus_max"] = data.get("bonus_max") or Decimal(0)
        data["penalty_max"] = data.get("penalty_max") or Decimal(0)
        return data


def _plain(value: Decimal) -> str:
    from parindex.frameworks.rules import fmt

    return fmt(value)


class NodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    title = forms.CharField(label=_("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    max_points = PointsField(label=_("Maximum points"))
    source = forms.ChoiceField(
        label=_("Source of points"),
        choices=[("", _("— (a criterion with sub-criteria)")), *list(SourceChoice.choices)],
        required=False,
    )
    rule = forms.CharField(
        label=_("Scoring rule"),
        required=False,
        max_length=2000,
        help_text=_("Examples: %(examples)s") % {"examples": " · ".join(RULE_EXAMPLES)},
    )
    evidence = forms.CharField(
        label=_("Evidence documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One document a line; add “(không bắt buộc)” after an optional one."),
    )
    guidance = forms.CharField(
        label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    groups = forms.CharField(
        label=_("Unit groups"),
        required=False,
        max_length=200,
        help_text=_("Codes separated by commas; empty: every group."),
    )
    responsible = forms.CharField(label=_("Responsible office"), required=False, max_length=200)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Where the wording or values come from; “minh họa” marks an illustrative value."
        ),
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    @staticmethod
    def initial_of(node: Node) -> dict[str, Any]:
        from parindex.frameworks.actions import version_token
        from parindex.frameworks.spec import EvidenceSpec

        rule = node.parsed_rule()
        return {
            "code": node.code,
            "title": node.title,
            "max_points": _plain(node.max_points),
            "source": node.source,
            "rule": format_rule(rule) if rule else "",
            "evidence": evidence_text(
                tuple(EvidenceSpec(e.title, e.required) for e in node.evidence.all())
            ),
            "guidance": node.guidance,
            "groups": ", ".join(node.groups),
            "responsible": node.responsible,
            "note": node.note,
            "version": version_token(node),
        }

    def clean_rule(self) -> Any:
        text = self.cleaned_data["rule"].strip()
        if not text:
            return None
        try:
            return parse_rule_text(text)
        except RuleError as exc:
            raise forms.ValidationError([message(p) for p in exc.problems]) from None

    def node_data(self) -> NodeSpec:
        data = self.cleaned_data
        return NodeSpec(
            code=data["code"].strip(),
            title=data["title"].strip(),
            maximum=data["max_points"],
            source=data["source"],
            rule=data["rule"],
            evidence=parse_evidence(data["evidence"]),
            guidance=data["guidance"].strip(),
            groups=tuple(g.strip() for g in data["groups"].split(",") if g.strip()),
            responsible=data["responsible"].strip(),
            note=data["note"].strip(),
        )


class CloneForm(forms.Form):
    code = forms.CharField(label=_("Code of the new version"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=300)
    year_from = forms.IntegerField(label=_("From year"), min_value=1990, max_value=2100)
    year_to = forms.IntegerField(label=_("To year"), min_value=1990, max_value=2100)


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
