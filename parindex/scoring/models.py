"""Published results: immutable, versioned snapshots of a cycle's index.

The index itself is computed on demand from the assessments (`services.cycle_results`); what
leaders, councils and the public see as *official* is a `Publication`: the whole cycle's results
and ranking frozen as data when the secretariat prepared it, approved by the council, then
published. A published snapshot never changes: a correction is a new version with its reason, and
both are kept (the older one is marked superseded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from parindex.orgunits.models import Unit


class PublicationState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting the council's approval")
    APPROVED = "approved", _("Approved by the council")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a correction")
    WITHDRAWN = "withdrawn", _("Not approved")


class ImmutableError(Exception):
    """A published snapshot was about to change."""


class Publication(models.Model):
    cycle = models.ForeignKey(
        "assessments.Cycle", on_delete=models.PROTECT, related_name="publications"
    )
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=12, choices=PublicationState.choices, default="awaiting"
    )
    snapshot = models.JSONField(_("results"))
    reason = models.TextField(_("reason for the correction"), blank=True)
    prepared_at = models.DateTimeField(auto_now_add=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(_("approving decision"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # SHA-256 of the canonical JSON of the snapshot and its units' figures, written when the
    # version is prepared (integrity.py): a change made behind the application's back shows.
    sha256 = models.CharField(_("fingerprint (SHA-256)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        ordering = ["cycle", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="publication_version_once"),
            # At most one current published version per cycle.
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(state="published"),
                name="publication_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The snapshot is written once, when the version is prepared; nothing changes it after.
        if self.pk is not None:
            stored = Publication.objects.filter(pk=self.pk).values("snapshot", "state").first()
            if stored is not None and stored["snapshot"] != self.snapshot:
                raise ImmutableError("a prepared snapshot never changes")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.state in {PublicationState.PUBLISHED, PublicationState.SUPERSEDED}:
            raise ImmutableError("a published result is never deleted")
        return super().delete(*args, **kwargs)

    def permission_unit(self) -> Unit:
        return self.cycle.scope

    @property
    def is_public(self) -> bool:
        return self.state in {PublicationState.PUBLISHED, PublicationState.SUPERSEDED}


class PublishedUnit(models.Model):
    """One unit's headline figures in a publication (written with it, never changed): what
    histories, trends and year-over-year comparisons read without opening whole snapshots."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("orgunits.Unit", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(max_digits=7, decimal_places=2)
    percent = models.DecimalField(max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField()
    band = models.CharField(max_length=30, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "unit"], name="published_unit_once"),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="published_unit_total_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0), name="published_unit_percent_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="published_unit_rank_1"),
        ]

    def __str__(self) -> str:
        return f"{self.publication} · {self.unit_id}"


class ExportJob(models.Model):
    """A long export (a report, a score table, every scorecard) built by the background worker,
    with its progress; the file is kept in the row until it is downloaded or expires."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", pgettext_lazy("background work", "In progress")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.CASCADE, related_name="+")
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    data = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_state_display()})"

    def permission_unit(self) -> Unit:
        return self.cycle.scope
