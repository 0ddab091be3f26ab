"""Forms of campaigns, rules (a small YAML editor), targets, nominations and the review."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.assessments.forms import _day
from parindex.assessments.models import Cycle, Document
from parindex.awards import eligibility
from parindex.awards.models import AppliesTo, NominationStatus, NomineeKind
from parindex.awards.problems import message
from parindex.frameworks.rules import Problem
from parindex.orgunits.models import Unit
from parindex.plans.models import Target

# Seed 004's nomination file (hồ sơ đề nghị khen thưởng).
DEFAULT_DOCUMENTS = (
    "Tờ trình đề nghị khen thưởng",
    "Biên bản họp bình xét thi đua",
    "Báo cáo thành tích",
)
RULE_LIMIT = 5000  # characters of YAML: a rule is a few lines


def _lines(label: Any, help_text: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CampaignForm(forms.Form):
    issuer = forms.ModelChoiceField(label=_("Issuing unit"), queryset=Unit.objects.none())
    cycle = forms.ModelChoiceField(label=_("Index results used"), queryset=Cycle.objects.none())
    name = forms.CharField(label=_("Name"), max_length=300)
    number = forms.CharField(
        label=_("Number and symbol of the plan"), max_length=100, required=False
    )
    period_from = _day(_("From"))
    period_to = _day(_("To"))
    nomination_deadline = _day(_("Last day for nominations"))
    for_collectives = forms.BooleanField(label=_("Collectives compete"), required=False)
    for_individuals = forms.BooleanField(label=_("Individuals compete"), required=False)
    content = forms.CharField(
        label=_("Content of the campaign"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    award_forms = _lines(
        _("Award forms"), _("One a line, e.g. Giấy khen của Chủ tịch UBND thành phố.")
    )
    required_documents = _lines(
        _("Documents a nomination must contain"), _("One a line."), required=False
    )
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)

    def __init__(
        self, *args: Any, issuers: Any, cycles: Any, fixed_issuer: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]
        self.fields["cycle"].queryset = cycles  # type: ignore[attr-defined]
        self.fields["cycle"].label_from_instance = lambda c: f"{c.name} ({c.scope.name})"  # type: ignore[attr-defined]
        if fixed_issuer:
            del self.fields["issuer"]

    def clean_award_forms(self) -> list[str]:
        return _split(self.cleaned_data["award_forms"])

    def clean_required_documents(self) -> list[str]:
        return _split(self.cleaned_data["required_documents"])


def _split(text: str) -> list[str]:
    from parindex.awards.actions import clean_lines

    return clean_lines(text.splitlines())


class StatusForm(forms.Form):
    to = forms.CharField(max_length=10)
    decision_number = forms.CharField(
        label=_("Number of the award decision"), max_length=100, required=False
    )
    decided_on = _day(_("Date of the decision"), required=False)


def rule_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


class RuleForm(forms.Form):
    """A rule as YAML: read, checked, every problem shown in words (nothing is saved then)."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=AppliesTo.choices)
    text = forms.CharField(
        label=_("Rule (YAML)"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "code"}),
        strip=False,
    )

    def clean_text(self) -> Any:
        text = self.cleaned_data["text"]
        if len(text) > RULE_LIMIT:
            raise forms.ValidationError(message(Problem("rule.too_long", {"limit": RULE_LIMIT})))
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else "?"
            error = getattr(exc, "problem", None) or str(exc)
            raise forms.ValidationError(
                message(Problem("rule.yaml", {"line": line, "error": error}))
            ) from exc
        try:
            clause = eligibility.parse(data)
        except eligibility.RuleError as exc:
            raise forms.ValidationError([message(p) for p in exc.problems]) from exc
        return eligibility.to_data(clause)


class TargetForm(forms.Form):
    name = forms.CharField(label=_("Target"), widget=forms.Textarea(attrs={"rows": 2}))
    target_text = forms.CharField(label=_("Target value"), max_length=200, required=False)
    plan_target = forms.ModelChoiceField(
        label=_("Linked plan target"), queryset=Target.objects.none(), required=False
    )

    def __init__(self, *args: Any, plan_targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan_target"]
        field.queryset = plan_targets  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda t: f"{t.plan.title[:60]} · {t.code} {t.name[:80]}".strip()
        )


class NominationForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Nominating unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Nominee"), choices=NomineeKind.choices)
    nominee_unit = forms.ModelChoiceField(
        label=_("Collective (the unit or one of its offices)"),
        queryset=Unit.objects.none(),
        required=False,
    )
    name = forms.CharField(
        label=_("Name of the collective or person"),
        max_length=200,
        required=False,
        help_text=_("A collective: left empty, the unit's name."),
    )
    position = forms.CharField(label=_("Position (an individual)"), max_length=200, required=False)
    award_form = forms.ChoiceField(label=_("Award form"))
    achievements = forms.CharField(
        label=_("Achievements"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What the decision list says; empty: the index result is written."),
    )

    def __init__(
        self, *args: Any, units: Any, offices: Any, kinds: Any, award_forms: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["nominee_unit"].queryset = offices  # type: ignore[attr-defined]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["award_form"].choices = [(f, f) for f in award_forms]  # type: ignore[attr-defined]


class NominationEditForm(NominationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["unit"]
        del self.fields["kind"]


def _requirements(required: list[str]) -> list[tuple[str, str]]:
    return [(name, name) for name in required] + [("", str(_("Other document")))]


class CiteForm(forms.Form):
    document = forms.ModelChoiceField(
        label=_("Document of the unit"), queryset=Document.objects.none()
    )
    requirement = forms.ChoiceField(label=_("As"), required=False)

    def __init__(self, *args: Any, documents: Any, required: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]
        self.fields["requirement"].choices = _requirements(required)  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, Word, Excel or image)"))
    requirement = forms.ChoiceField(label=_("As"), required=False)
    number = forms.CharField(label=_("Number and symbol (số)"), max_length=100, required=False)
    issued_on = _day(_("Date (ngày)"), required=False)

    def __init__(self, *args: Any, required: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = _requirements(required)  # type: ignore[attr-defined]


class VoteForm(forms.Form):
    votes_for = forms.IntegerField(label=_("For"), min_value=0, max_value=999)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, max_value=999)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=999)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (NominationStatus.ACCEPTED.value, _("Accept")),
            (NominationStatus.REJECTED.value, _("Do not accept")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required when the nomination is not accepted."),
    )
