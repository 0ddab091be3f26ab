"""Sociological surveys: questionnaires, campaigns, and the forms collected (answers long-format).

- `Questionnaire`: the versioned questionnaire (its spec as data, see `spec.py`); frozen once a
  campaign has answers.
- `Campaign`: a questionnaire put to the communes of a scope for a year, with the target number of
  forms per commune and the collection window; it may feed a cycle's survey criteria.
- `Response`: one form (on line or keyed in from paper), identified by its form number within the
  campaign, so a re-import never adds it twice. A form flagged by the quality checks is excluded
  only with a reason, audited; raw answers are never deleted.
- `ResponseAnswer`: one answer of a form (long format: one row per question answered).
- `CampaignUnit`: a commune's facts in a campaign (the dossiers it handled, which give its target
  when the sample size is computed).
- `Respondent`: an official asked to rate communes (officials' surveys), with a personal link.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from parindex.orgunits.models import Unit
    from parindex.surveys.spec import QuestionnaireSpec


_PARSED: dict[str, QuestionnaireSpec] = {}


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Citizens and organisations (SIPAS)")
    OFFICIALS = "officials", _("Officials")


class Questionnaire(models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)
    audience = models.CharField(_("respondents"), max_length=20, choices=Audience.choices)
    spec = models.JSONField(_("questions"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def parsed(self) -> QuestionnaireSpec:
        """The questionnaire as read from its stored spec (read once per distinct spec and
        kept: a spec is immutable data, and reading it takes some 30 ms, once per page of the
        public form and per campaign of the results otherwise)."""
        from parindex.surveys.yaml_io import from_data

        key = json.dumps(self.spec, sort_keys=True, ensure_ascii=False)
        found = _PARSED.get(key)
        if found is None:
            if len(_PARSED) > 64:
                _PARSED.clear()
            found = _PARSED[key] = from_data(self.spec)
        return found

    @property
    def frozen(self) -> bool:
        return Response.objects.filter(campaign__questionnaire=self).exists()


class SampleMethod(models.TextChoices):
    FIXED = "fixed", _("The same number of forms in every commune")
    COMPUTED = "computed", _("Computed from the dossiers each commune handled")


class Confidence(models.IntegerChoices):  # the levels of `stats.CONFIDENCE_Z`
    C90 = 90, "90%"
    C95 = 95, "95%"
    C99 = 99, "99%"


class Campaign(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.ForeignKey(
        "assessments.Cycle",
        verbose_name=_("assessment cycle fed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    target_per_commune = models.PositiveIntegerField(_("forms per commune"), default=50)
    sample_method = models.CharField(
        _("sample size"), max_length=10, choices=SampleMethod.choices, default=SampleMethod.FIXED
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence level"), choices=Confidence.choices, default=Confidence.C95
    )
    # The margin of error in percentage points (10 = ±10 points), for a computed sample size.
    margin = models.DecimalField(
        _("margin of error (points)"), max_digits=4, decimal_places=1, default=Decimal(10)
    )
    enterers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("may also import paper forms"),
        blank=True,
        related_name="+",
    )
    communes_enter_own = models.BooleanField(
        _("communes key in their own paper forms"), default=False
    )
    opens_on = models.DateField(_("collection opens"))
    closes_on = models.DateField(_("collection closes"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "questionnaire", "year"], name="campaign_one_per_scope_year"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="campaign_window_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(margin__gt=0, margin__lte=50), name="campaign_margin_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def permission_unit(self) -> Unit:
        return self.scope


class Channel(models.TextChoices):
    ONLINE = "online", _("On line")
    PAPER = "paper", _("Paper")


class Response(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    form_number = models.CharField(_("form number"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    answered_on = models.DateField(_("date answered"), null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    # A keyed hash of the sender's address (on-line forms): enough to throttle, never the address.
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    flags = models.JSONField(_("quality flags"), default=list, blank=True)
    excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.TextField(_("reason for exclusion"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Officials' surveys: the official who filled the form (their form number is
    # "<respondent code>-<commune code>", so one form per respondent and commune).
    respondent = models.ForeignKey(
        "Respondent",
        verbose_name=_("respondent"),
        null=True,
        blank=True,
        # RESTRICT: a respondent with forms is never deleted alone (its campaign may be, whole).
        on_delete=models.RESTRICT,
        related_name="responses",
    )
    source = models.CharField(_("source"), max_length=200, blank=True)  # the imported file's name

    class Meta:
        verbose_name = _("survey form")
        verbose_name_plural = _("survey forms")
        ordering = ["campaign", "unit", "form_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "form_number"], name="response_one_per_form_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.form_number}"

    def permission_unit(self) -> Unit:
        return self.unit


class ResponseAnswer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("question"), max_length=30)
    value = models.TextField(_("answer"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.value}"


class PublicLink(models.Model):
    """The anonymous link (and QR code) of one commune in a campaign; revocable."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(max_length=20, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="link_one_per_commune"),
        ]

    def __str__(self) -> str:
        return self.token


class ImportJob(models.Model):
    """A large paper-forms file imported by the background worker, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    data = models.BinaryField()
    filename = models.CharField(max_length=200)
    only_valid = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    def permission_unit(self) -> Unit:
        return self.campaign.scope


class CampaignUnit(models.Model):
    """A commune's facts in a campaign: the dossiers it handled in the year (N of the sample size).

    The target is not stored: it is computed from N and the campaign's settings when shown
    (`selectors.targets`), so a change of margin or confidence applies to every commune at once.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    dossiers = models.PositiveIntegerField(_("dossiers handled"))

    class Meta:
        verbose_name = _("commune of a campaign")
        verbose_name_plural = _("communes of a campaign")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit_id}: {self.dossiers}"

    def permission_unit(self) -> Unit:
        return self.campaign.scope


class Respondent(models.Model):
    """An official asked to rate communes in an officials' survey.

    `form_code` is the form they fill ("01" council delegates, "03" department leaders ...);
    `units` are the communes they rate (none listed = every commune of the campaign). `token` is
    their personal link: no account, nothing else identifies them on the form.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="respondents")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=200, blank=True)
    form_code = models.CharField(_("form code"), max_length=10)
    units = models.ManyToManyField(
        "orgunits.Unit", verbose_name=_("communes rated"), blank=True, related_name="+"
    )
    token = models.CharField(max_length=30, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["campaign", "form_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="respondent_code_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def permission_unit(self) -> Unit:
        return self.campaign.scope
