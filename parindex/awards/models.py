"""Emulation campaigns (phong trào thi đua) and the awards they lead to (seed 004).

- `Campaign`: issued by a unit (the province, a district ...) for the communes of a scope and/or
  their people, over a period; it reads the published index of one cycle (`cycle`), names its
  award forms ("Giấy khen của Chủ tịch UBND ...") and the documents a nomination must contain
  (tờ trình, biên bản họp bình xét, báo cáo thành tích), and closes nominations on a deadline.
  Status: draft → open → closed → decided.
- `CampaignTarget`: the campaign's targets (chỉ tiêu thi đua), optionally linked to a target of a
  plan, whose state is then shown beside it.
- `EligibilityRule`: who may be awarded, as data (`eligibility.py`), for collectives, individuals
  or both.
- `Nomination` (đề nghị khen thưởng): a unit proposes itself (or one of its offices) or one of its
  people for an award form, citing its documents (`NominationDocument`, each as one of the
  required documents or as an extra); draft → submitted → accepted / rejected.
- `CouncilRecord`: the council's review of a nomination: a vote (for / against / abstain counts)
  or a decision (accept / reject with its reason), kept in order.

Writes go through `actions.py` (checked, audited); eligibility is evaluated by the pure
`eligibility.py` on published results only (`selectors.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from parindex.orgunits.models import Unit


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for nominations")
    CLOSED = "closed", _("Nominations closed")
    DECIDED = "decided", _("Awards decided")


class Campaign(models.Model):
    issuer = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    # Whose communes compete (the issuer's by default); the results are the cycle's.
    scope = models.ForeignKey(
        "orgunits.Unit",
        verbose_name=_("competing units of"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cycle = models.ForeignKey(
        "assessments.Cycle",
        verbose_name=_("index results used"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=300)
    number = models.CharField(_("number and symbol of the plan (số)"), max_length=100, blank=True)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    for_collectives = models.BooleanField(_("collectives compete"), default=True)
    for_individuals = models.BooleanField(_("individuals compete"), default=True)
    content = models.TextField(_("content of the campaign"), blank=True)
    award_forms = models.JSONField(_("award forms"), default=list)
    required_documents = models.JSONField(_("documents a nomination must contain"), default=list)
    nomination_deadline = models.DateField(_("last day for nominations"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    decision_number = models.CharField(
        _("number of the award decision"), max_length=100, blank=True
    )
    decided_on = models.DateField(_("date of the award decision"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("emulation campaign")
        verbose_name_plural = _("emulation campaigns")
        ordering = ["-period_to", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="campaign_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def permission_unit(self) -> Unit:
        return self.issuer


class CampaignTarget(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveIntegerField(default=0)
    name = models.TextField(_("target"))
    target_text = models.CharField(_("target value"), max_length=200, blank=True)
    plan_target = models.ForeignKey(
        "plans.Target",
        verbose_name=_("plan target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["campaign", "position", "pk"]

    def __str__(self) -> str:
        return self.name[:80]

    def permission_unit(self) -> Unit:
        return self.campaign.issuer


class AppliesTo(models.TextChoices):
    BOTH = "both", _("Collectives and individuals")
    COLLECTIVES = "unit", _("Collectives")
    INDIVIDUALS = "person", _("Individuals")


class EligibilityRule(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200, blank=True)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=AppliesTo.choices, default=AppliesTo.BOTH
    )
    data = models.JSONField(_("eligibility rule"))  # canonical, see eligibility.to_data
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "position", "pk"]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    def permission_unit(self) -> Unit:
        return self.campaign.issuer


class NomineeKind(models.TextChoices):
    COLLECTIVE = "unit", _("Collective")
    INDIVIDUAL = "person", _("Individual")


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")


class Nomination(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="nominations")
    unit = models.ForeignKey(
        "orgunits.Unit",
        verbose_name=_("nominating unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("nominee"), max_length=10, choices=NomineeKind.choices)
    # A collective: the unit itself or one of its offices.
    nominee_unit = models.ForeignKey(
        "orgunits.Unit",
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name of the collective or person"), max_length=200)
    position = models.CharField(_("job position"), max_length=200, blank=True)
    award_form = models.CharField(_("award form"), max_length=200)
    achievements = models.TextField(_("achievements"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NominationStatus.choices,
        default=NominationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("award nomination")
        verbose_name_plural = _("award nominations")
        ordering = ["campaign", "unit__name", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def permission_unit(self) -> Unit:
        return self.unit


class NominationDocument(models.Model):
    """A document of the nominating unit cited by a nomination, as a required one or an extra."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="citations")
    document = models.ForeignKey("assessments.Document", on_delete=models.PROTECT, related_name="+")
    requirement = models.CharField(_("required document"), max_length=300, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nomination", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "document", "requirement"], name="nomination_document_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} ← {self.document}"


class RecordKind(models.TextChoices):
    VOTE = "vote", _("Vote")
    DECISION = "decision", _("Decision")


class CouncilRecord(models.Model):
    """One step of the council's review: a vote with its counts, or a decision with its reason."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=10, choices=RecordKind.choices)
    votes_for = models.PositiveSmallIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    outcome = models.CharField(
        _("decision"), max_length=10, choices=NominationStatus.choices, blank=True
    )
    note = models.TextField(_("reason or note"), blank=True)
    # The eligibility as it read when the council acted (verdict sentence and outcome).
    eligibility = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["nomination", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.kind}"

    def permission_unit(self) -> Unit:
        return self.nomination.unit
