"""The yearly cycle per commune: the calendar, each commune's assessment, its answers and evidence.

- `Cycle`: a framework applied to the communes of a scope (a province, or a district before 2025)
  for one assessed year, with the calendar of its phases (self-assessment, appraisal in one or two
  rounds, explanations, council, publication).
- `Assessment`: one commune in a cycle, with its workflow status.
- `Answer`: one scored criterion of one assessment: what the commune answered and the points its
  rule gives (never typed freely), then what the appraisal decided.
- `Document`: an evidence file of a commune (tài liệu kiểm chứng), stored outside the web root and
  served only through a permission check; `AnswerDocument` cites it for a criterion (one document
  can serve many criteria).

Writes go through `actions.py`, which checks the calendar, the locks and the version of what was
edited, and records every change in the audit trail.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import datetime as dt

    from parindex.orgunits.models import Unit


class Cycle(models.Model):
    """A yearly assessment (kỳ đánh giá) of the communes of a scope against a framework."""

    framework = models.ForeignKey(
        "frameworks.Framework",
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    scope = models.ForeignKey(
        "orgunits.Unit",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        related_name="cycles",
        help_text=_("The province (or district) whose communes are assessed."),
    )
    year = models.PositiveSmallIntegerField(_("year assessed"))
    name = models.CharField(_("name"), max_length=200)
    rounds = models.PositiveSmallIntegerField(
        _("appraisal rounds"), choices=[(1, "1"), (2, "2")], default=1
    )
    self_opens_on = models.DateField(_("self-assessment opens"))
    self_deadline = models.DateField(_("self-assessment deadline"))
    appraisal_deadline = models.DateField(_("appraisal deadline"))
    appraisal2_deadline = models.DateField(_("second round deadline"), null=True, blank=True)
    explanation_from = models.DateField(_("explanations from"), null=True, blank=True)
    explanation_to = models.DateField(_("explanations until"), null=True, blank=True)
    council_on = models.DateField(_("council meeting"), null=True, blank=True)
    publish_on = models.DateField(_("publication"), null=True, blank=True)
    self_closed_at = models.DateTimeField(_("self-assessment scores closed"), null=True, blank=True)
    # Ranking: units of equal total are separated by these fields' points, in order (codes).
    tie_break = models.JSONField(_("tie-break fields"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        ordering = ["-year", "scope__name"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="cycle_one_per_scope_year"),
            models.CheckConstraint(
                condition=Q(self_deadline__gte=models.F("self_opens_on"))
                & Q(appraisal_deadline__gte=models.F("self_deadline")),
                name="cycle_phases_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def permission_unit(self) -> Unit:
        return self.scope

    def self_assessment_open(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.self_closed_at is None and self.self_opens_on <= day <= self.self_deadline

    def explanations_open(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        if self.explanation_from is None or self.explanation_to is None:
            return False
        return self.explanation_from <= day <= self.explanation_to


class Status(models.TextChoices):
    DRAFT = "draft", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    APPRAISING = "appraising", _("Being appraised")
    APPRAISED = "appraised", _("Appraised")
    LOCKED = "locked", _("Locked")


class Assessment(models.Model):
    """One commune's assessment in a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("unit group"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # After the deadline, submission is closed unless the secretariat reopens it until a day.
    reopened_until = models.DateField(_("reopened until"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["cycle", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="assessment_one_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.cycle}"

    def permission_unit(self) -> Unit:
        return self.unit

    def entry_open(self, day: dt.date | None = None) -> bool:
        """May the commune still change its self-assessment?"""
        day = day or timezone.localdate()
        if self.status != Status.DRAFT:
            return False
        if self.reopened_until is not None and day <= self.reopened_until:
            return self.cycle.self_closed_at is None
        return self.cycle.self_assessment_open(day)


class AppraisalStatus(models.TextChoices):
    PENDING = "pending", _("Not appraised yet")
    AGREED = "agreed", _("Agreed")
    ADJUSTED = "adjusted", _("Adjusted")
    QUESTIONED = "questioned", _("Explanation asked")


class Answer(models.Model):
    """One scored criterion of one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    node = models.ForeignKey(
        "frameworks.Node", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    # What the rule asks for ({"level": ...}, {"achieved": ..., "required": ...} ...), the points
    # the rule gives for it and the arithmetic, so anyone can recompute them.
    self_value = models.JSONField(_("self-assessed answer"), null=True, blank=True)
    self_points = models.DecimalField(
        _("self-assessed points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    self_working = models.CharField(max_length=300, blank=True)
    self_note = models.TextField(_("explanation of the self-assessment"), blank=True)
    appraisal_status = models.CharField(
        _("appraisal"),
        max_length=20,
        choices=AppraisalStatus.choices,
        default=AppraisalStatus.PENDING,
    )
    appraised_value = models.JSONField(_("appraised answer"), null=True, blank=True)
    appraised_points = models.DecimalField(
        _("appraised points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    appraised_working = models.CharField(max_length=300, blank=True)
    appraisal_reason = models.TextField(_("reason"), blank=True)
    appraisal_round = models.PositiveSmallIntegerField(_("appraisal round"), default=1)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    explanation = models.TextField(_("explanation (giải trình)"), blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every write: an edit made from an older version is refused, never overwritten.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="answer_one_per_criterion"),
            models.CheckConstraint(
                condition=Q(self_points__gte=0) | Q(self_points__isnull=True),
                name="answer_self_points_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(appraised_points__gte=0) | Q(appraised_points__isnull=True),
                name="answer_appraised_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment.unit} · {self.node.code}"

    def permission_unit(self) -> Unit:
        return self.assessment.unit


def evidence_storage() -> Storage:
    return storages["evidence"]


def evidence_path(document: Document, filename: str) -> str:
    """Files are stored under a random name (the original name is kept in the row)."""
    return f"{document.unit_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """An evidence document of a commune (a plan, a report, a decision ...)."""

    unit = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(storage=evidence_storage, upload_to=evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True)
    number = models.CharField(_("number and symbol (số)"), max_length=100, blank=True)
    issued_on = models.DateField(_("date (ngày)"), null=True, blank=True)
    summary = models.CharField(_("summary (trích yếu)"), max_length=500, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.summary or self.name

    def permission_unit(self) -> Unit:
        return self.unit

    @property
    def previewable(self) -> bool:
        return self.kind in {"pdf", "png", "jpeg"}


class AnswerDocument(models.Model):
    """A document cited for a criterion, optionally as one of its required documents."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="citations")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="citations")
    requirement = models.ForeignKey(
        "frameworks.EvidenceRequirement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "document", "requirement"], name="citation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer} ← {self.document}"


class Assignment(models.Model):
    """An appraiser assigned to a commune of a cycle, for some fields or all of them."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments")
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraiser"),
        on_delete=models.CASCADE,
        related_name="appraisal_assignments",
    )
    unit = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    field_codes = models.JSONField(_("fields"), default=list, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appraisal assignment")
        verbose_name_plural = _("appraisal assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "appraiser", "unit"], name="assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraiser} → {self.unit}"

    def permission_unit(self) -> Unit:
        return self.unit

    def covers(self, node_code: str) -> bool:
        return not self.field_codes or any(
            node_code == code or node_code.startswith(f"{code}.") for code in self.field_codes
        )
