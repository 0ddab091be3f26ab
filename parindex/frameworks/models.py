"""Criteria frameworks (bộ chỉ số) as stored: the framework, its tree of nodes, the evidence
requirements.

A framework is issued by a unit (a province, or a district before 2025) and scores the units of
one level under it (communes). Its tree: field (lĩnh vực) → criterion (tiêu chí) → sub-criterion
(tiêu chí thành phần) → one more level where needed. The scored nodes are the leaves; each keeps
its source of points and its rule as data (`rules.parse_rule`).

Status: draft (editable) → published (frozen: assessments hang on it) → archived. A change to a
published framework is a new version: `actions.clone_framework` copies it into a draft.
Writes go through `actions.py`, which validates and audits them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.rules import Rule, Source, parse_rule
from parindex.orgunits.models import Level

if TYPE_CHECKING:
    from parindex.orgunits.models import Unit


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class SourceChoice(models.TextChoices):
    APPRAISED = Source.APPRAISED.value, _("Appraised evidence")
    SURVEY_CITIZENS = Source.SURVEY_CITIZENS.value, _("Citizens' survey (SIPAS)")
    SURVEY_OFFICIALS = Source.SURVEY_OFFICIALS.value, _("Officials' survey")
    COMPUTED = Source.COMPUTED.value, _("Computed by the system")


class Framework(models.Model):
    owner = models.ForeignKey(
        "orgunits.Unit",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="frameworks",
        help_text=_("The province (or district) whose decision issued the framework."),
    )
    code = models.CharField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=300)
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    scored_level = models.CharField(
        _("level scored"), max_length=20, choices=Level.choices, default=Level.COMMUNE
    )
    decision = models.CharField(
        _("issuing decision"),
        max_length=500,
        blank=True,
        help_text=_("E.g. Quyết định 3395/QĐ-UBND ngày 15/12/2022."),
    )
    description = models.TextField(_("description"), blank=True)
    total = models.DecimalField(
        _("total points"), default=Decimal(100), max_digits=6, decimal_places=2
    )
    bonus_max = models.DecimalField(
        _("bonus points, at most"), default=Decimal(0), max_digits=6, decimal_places=2
    )
    bonus_needs_evidence = models.BooleanField(_("bonus needs evidence"), default=True)
    penalty_max = models.DecimalField(
        _("penalty points, at most"), default=Decimal(0), max_digits=6, decimal_places=2
    )
    penalty_needs_evidence = models.BooleanField(_("penalty needs evidence"), default=True)
    # [{"code": "XS", "label": "Xuất sắc", "min": "90"}, ...] from the highest band down to 0.
    bands = models.JSONField(_("classification bands"), default=list, blank=True)
    # [{"code": "xa", "name": "Xã", "kinds": ["xa", "thi_tran"]}, ...]; empty: one set for all.
    groups = models.JSONField(_("unit groups"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["-year_from", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "code"], name="framework_code_unique_per_owner"
            ),
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")), name="framework_years_in_order"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="framework_total_positive"),
            models.CheckConstraint(
                condition=Q(bonus_max__gte=0) & Q(penalty_max__gte=0),
                name="framework_caps_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def permission_unit(self) -> Unit:
        return self.owner

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def years(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"


class Node(models.Model):
    """A field, criterion or sub-criterion of a framework."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("code"), max_length=30)
    depth = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    position = models.PositiveIntegerField(_("position"), default=0)
    # The tree's order in one string (positions of the ancestors, zero-padded), so a whole tree
    # reads in one ordered query.
    sort_key = models.CharField(max_length=60, db_index=True)
    title = models.TextField(_("title"))
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    source = models.CharField(
        _("source of points"), max_length=30, choices=SourceChoice.choices, blank=True
    )
    rule = models.JSONField(_("scoring rule"), null=True, blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    groups = models.JSONField(_("unit groups"), default=list, blank=True)
    responsible = models.CharField(_("responsible office"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["framework", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="node_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"

    def permission_unit(self) -> Unit:
        return self.framework.owner

    def parsed_rule(self) -> Rule | None:
        return parse_rule(self.rule) if self.rule else None


class EvidenceRequirement(models.Model):
    """A document a commune must (or may) attach to claim the node's points."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("document"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("evidence requirement")
        verbose_name_plural = _("evidence requirements")
        ordering = ["node", "position"]

    def __str__(self) -> str:
        return self.title


def sort_key(parent_key: str, position: int) -> str:
    part = f"{position:04d}"
    return f"{parent_key}.{part}" if parent_key else part
