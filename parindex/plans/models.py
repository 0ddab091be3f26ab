"""Plans of a unit: the annual PAR plan, improvement plans drawn from lost points, other plans.

- `Plan`: a unit's plan for a year, of a kind, with its grounds (căn cứ), purpose and requirements,
  its status (draft → issued → closed) and the document that issued it.
- `Target` (chỉ tiêu, seed 002's Phụ lục 1): what the plan aims at, written as the plan writes it
  ("Trên 90%") and read as a measure, a direction and a value; it may point at the index itself
  (the total, the rank, a field or criterion, e.g. SIPAS), and is then measured from the results.
  `TargetReport` holds the actual values reported by period, with their evidence.
- `Task` (nhiệm vụ, Phụ lục 2): field, title, activity/product, lead and coordinating units, when
  (a date, a month, a quarter or all year), status, the product document and completion date; it
  may name the framework criterion it serves (improvement plans, monthly reviews).
- `Review`: a month's review of every criterion (seed 000), kept as it was seen.

Writes go through `actions.py` (audited); status rules are pure functions in `rules.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from parindex.orgunits.models import Unit


class Kind(models.TextChoices):
    ANNUAL = "annual", _("Annual PAR plan")
    IMPROVEMENT = "improvement", _("Plan to improve the index")
    OTHER = "other", _("Other plan")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    unit = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number and symbol (số)"), max_length=100, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    grounds = models.TextField(_("legal grounds (căn cứ)"), blank=True)
    purpose = models.TextField(_("purpose and requirements"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    document = models.ForeignKey(
        "assessments.Document",
        verbose_name=_("issuing document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An improvement plan records the result it answers (the cycle whose lost points it fixes).
    source_cycle = models.ForeignKey(
        "assessments.Cycle",
        verbose_name=_("result it improves on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "unit__name", "kind", "title"]

    def __str__(self) -> str:
        return self.title

    def permission_unit(self) -> Unit:
        return self.unit


class Measure(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    COUNT = "count", _("Number")
    RANK = "rank", _("Rank")
    INDEX = "index", _("Index points")
    TEXT = "text", _("Done or not")


class Direction(models.TextChoices):
    GE = "ge", "≥"
    GT = "gt", ">"
    LE = "le", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    BETTER = "better", _("better than last year")


class IndexSource(models.TextChoices):
    NONE = "", _("Reported by the unit")
    TOTAL = "total", _("Index total")
    RANK = "rank", _("Rank in the index")
    NODE = "node", _("A field or criterion of the index (share of its maximum)")


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("no."), max_length=20, blank=True)  # STT as the plan writes it
    group = models.CharField(_("field"), max_length=200, blank=True)
    name = models.TextField(_("target"))
    target_text = models.CharField(_("target as written"), max_length=200, blank=True)
    measure = models.CharField(
        _("measure"), max_length=10, choices=Measure.choices, default=Measure.PERCENT
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.GE
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    index_source = models.CharField(
        _("measured from"), max_length=10, choices=IndexSource.choices, default="", blank=True
    )
    node_code = models.CharField(_("criterion code"), max_length=30, blank=True)
    tracking_unit = models.CharField(_("unit tracking and guiding"), max_length=300, blank=True)
    implementing_unit = models.CharField(_("implementing unit"), max_length=300, blank=True)
    # A heading row of the appendix (e.g. "1. Kết quả các chỉ số ..."): no value of its own.
    heading = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}".strip()

    def permission_unit(self) -> Unit:
        return self.plan.unit


class TargetReport(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("period"), max_length=10)  # 2026-03 · 2026-Q1 · 2026
    value = models.DecimalField(_("actual value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence = models.ForeignKey(
        "assessments.Document",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["target", "period"]
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="target_report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.period}"

    def permission_unit(self) -> Unit:
        return self.target.plan.unit


class DueKind(models.TextChoices):
    DATE = "date", _("By a date")
    MONTH = "month", _("In a month")
    QUARTER = "quarter", _("In a quarter")
    YEAR = "year", _("All year")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("Not started")
    DOING = "doing", pgettext_lazy("task status", "In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("no."), max_length=20, blank=True)
    group = models.CharField(_("field"), max_length=200, blank=True)
    title = models.TextField(_("task"))
    product = models.CharField(_("activity or product"), max_length=300, blank=True)
    lead = models.CharField(_("lead unit"), max_length=200, blank=True)
    coordinating = models.CharField(_("coordinating units"), max_length=300, blank=True)
    due_kind = models.CharField(
        _("due"), max_length=10, choices=DueKind.choices, default=DueKind.DATE
    )
    due_on = models.DateField(
        _("due date")
    )  # the last day of the month/quarter/year when not a date
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    done_on = models.DateField(_("completed on"), null=True, blank=True)
    product_document = models.ForeignKey(
        "assessments.Document",
        verbose_name=_("product document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    node_code = models.CharField(_("criterion served"), max_length=30, blank=True)
    reason = models.TextField(_("reason (points lost)"), blank=True)
    note = models.TextField(_("note"), blank=True)
    reminded_on = models.DateField(null=True, blank=True)  # the last reminder sent
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "position"]
        indexes = [models.Index(fields=["status", "due_on"], name="task_status_due")]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:60]}".strip()

    def permission_unit(self) -> Unit:
        return self.plan.unit


class Review(models.Model):
    """A month's review of every criterion of a commune (seed 000), kept as it was seen."""

    unit = models.ForeignKey("orgunits.Unit", on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.CASCADE, related_name="+")
    month = models.CharField(_("month"), max_length=7)  # 2026-03
    items = models.JSONField(default=list)
    note = models.TextField(_("conclusions"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("monthly review")
        verbose_name_plural = _("monthly reviews")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "cycle", "month"], name="review_once_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.month}"

    def permission_unit(self) -> Unit:
        return self.unit
