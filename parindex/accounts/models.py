"""Users and the roles granted to them on units.

A role is granted on one unit and covers that unit's whole subtree (a province's secretariat covers
its districts and communes). Appraisers can be limited to some fields of the framework by their
codes. What each role may do is in `permissions.py`, the one place that answers.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    unit = models.ForeignKey(
        "orgunits.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The unit the account belongs to; it decides who manages it."),
    )

    # first_name/last_name are kept from AbstractUser for compatibility; full_name is shown.
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECRETARIAT = "secretariat", _("Secretariat / PAR administrator")
    APPRAISER = "appraiser", _("Appraiser")
    COUNCIL = "council", _("Council member")
    COMMUNE_LEADER = "commune_leader", _("Commune leader")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    VIEWER = "viewer", _("Viewer")


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self, day: dt.date | None = None) -> RoleGrantQuerySet:
        day = day or timezone.localdate()
        return self.filter(revoked_at__isnull=True, valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "orgunits.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="grants"
    )
    field_codes = models.JSONField(
        _("limited to fields"),
        default=list,
        blank=True,
        help_text=_(
            "Appraisers only: framework field codes this grant is limited to; empty = all."
        ),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_one_active_per_user_role_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
