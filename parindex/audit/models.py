"""The audit trail: who changed what, when, from which value to which, and why.

Entries are written only through `parindex.audit.actions.record` and never updated or deleted by
the application. `unit` is the unit the change belongs to, so that the trail is scoped like
everything else: a commune's officer sees the commune's entries, the province's secretariat all.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    UNIT_CREATE = "unit.create", _("Unit created")
    UNIT_UPDATE = "unit.update", _("Unit changed")
    UNIT_IMPORT = "unit.import", _("Units imported")
    UNIT_SUCCESSION = "unit.succession", _("Merger recorded")
    USER_CREATE = "user.create", _("Account created")
    USER_UPDATE = "user.update", _("Account changed")
    ROLE_GRANT = "role.grant", _("Role granted")
    ROLE_REVOKE = "role.revoke", _("Role revoked")
    PASSWORD_CHANGE = "password.change", _("Password changed")
    LOGIN_LOCKOUT = "login.lockout", _("Login locked after failures")
    SCORE_CHANGE = "score.change", _("Score changed")
    LOCK = "lock", _("Locked")
    UNLOCK = "unlock", _("Unlocked")
    PUBLISH = "publish", _("Published")
    FRAMEWORK_CREATE = "framework.create", _("Framework created")
    FRAMEWORK_UPDATE = "framework.update", _("Framework changed")
    FRAMEWORK_PUBLISH = "framework.publish", _("Framework published")
    FRAMEWORK_ARCHIVE = "framework.archive", _("Framework archived")
    FRAMEWORK_DELETE = "framework.delete", _("Draft framework deleted")
    CRITERION_CREATE = "criterion.create", _("Criterion added")
    CRITERION_UPDATE = "criterion.update", _("Criterion changed")
    CRITERION_DELETE = "criterion.delete", _("Criterion deleted")
    CYCLE_CREATE = "cycle.create", _("Assessment cycle opened")
    CYCLE_UPDATE = "cycle.update", _("Calendar changed")
    SELF_CLOSE = "cycle.self_close", _("Self-assessment scores closed")
    DOCUMENT_UPLOAD = "document.upload", _("Evidence document uploaded")
    DOCUMENT_CITE = "document.cite", _("Evidence attached to a criterion")
    DOCUMENT_UNCITE = "document.uncite", _("Evidence removed from a criterion")
    DOCUMENT_FACTS = "document.facts", _("Evidence document details read or confirmed")
    ASSESSMENT_SUBMIT = "assessment.submit", _("Self-assessment submitted")
    ASSESSMENT_REOPEN = "assessment.reopen", _("Self-assessment reopened")
    APPRAISAL_ASSIGN = "appraisal.assign", _("Appraisers assigned")
    EXPLANATION = "explanation", _("Explanation given")
    CAMPAIGN_CREATE = "campaign.create", _("Survey campaign opened")
    SURVEY_IMPORT = "survey.import", _("Paper survey forms imported")
    SURVEY_EXCLUDE = "survey.exclude", _("Survey form excluded")
    QUESTIONNAIRE_CREATE = "questionnaire.create", _("Questionnaire added")
    QUESTIONNAIRE_UPDATE = "questionnaire.update", _("Questionnaire changed")
    CAMPAIGN_UPDATE = "campaign.update", _("Survey campaign changed")
    CAMPAIGN_DOSSIERS = "campaign.dossiers", _("Dossiers per commune entered")
    RESPONDENT_ADD = "respondent.add", _("Survey respondent added")
    RESPONDENT_REMOVE = "respondent.remove", _("Survey respondent removed")
    PLAN_CREATE = "plan.create", _("Plan created")
    PLAN_UPDATE = "plan.update", _("Plan changed")
    PLAN_ISSUE = "plan.issue", _("Plan issued")
    TARGET_CHANGE = "target.change", _("Plan target changed")
    TARGET_REPORT = "target.report", _("Target value reported")
    TASK_CHANGE = "task.change", _("Plan task changed")
    REVIEW_SAVE = "review.save", _("Monthly review recorded")
    AWARD_CAMPAIGN_CREATE = "award_campaign.create", _("Emulation campaign created")
    AWARD_CAMPAIGN_UPDATE = "award_campaign.update", _("Emulation campaign changed")
    AWARD_CAMPAIGN_STATUS = "award_campaign.status", _("Emulation campaign status changed")
    AWARD_RULE_CHANGE = "award_rule.change", _("Award eligibility rule changed")
    NOMINATION_CREATE = "nomination.create", _("Award nomination drafted")
    NOMINATION_UPDATE = "nomination.update", _("Award nomination changed")
    NOMINATION_DOCUMENT = "nomination.document", _("Nomination documents changed")
    NOMINATION_SUBMIT = "nomination.submit", _("Award nomination submitted")
    NOMINATION_VOTE = "nomination.vote", _("Council vote on a nomination recorded")
    NOMINATION_DECIDE = "nomination.decide", _("Award nomination decided")
    API_TOKEN_CREATE = "api_token.create", _("API token created")
    API_TOKEN_REVOKE = "api_token.revoke", _("API token revoked")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(
        _("action"), max_length=40, choices=AuditAction.choices, db_index=True
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    unit = models.ForeignKey(
        "orgunits.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"
