"""What ParIndex read from an evidence document (one row per `assessments.Document`).

The text (and how it was read), the facts found in it (kind, number, date, issuing body, summary,
signer), the verdict on its digital signature, and whether an officer confirmed the facts. The text
is searchable (`search.py`): an FTS5 table on SQLite, PostgreSQL's full-text search otherwise, both
over `folded` (the text without accents) so "quyet dinh kien toan" finds "Quyết định kiện toàn".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.evidence.facts import KINDS


class ReadStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be read")
    RUNNING = "running", _("Being read")
    DONE = "done", _("Read")
    FAILED = "failed", _("Could not be read")


class Method(models.TextChoices):
    PDF = "pdf", _("PDF text")
    DOCX = "docx", _("Word file")
    OCR = "ocr", _("OCR (scan or photo)")
    NONE = "none", _("Not read")


class SignatureStatus(models.TextChoices):
    UNKNOWN = "", _("Not checked")
    VALID = "valid", _("Signed, intact")
    MODIFIED = "modified", _("Signed, changed after signing")
    BROKEN = "broken", _("Signature broken")
    NONE = "none", _("Not digitally signed")
    UNREADABLE = "unreadable", _("Signature unreadable")


KIND_CHOICES = [("", "—"), *KINDS.items()]


class DocumentFacts(models.Model):
    document = models.OneToOneField(
        "assessments.Document", on_delete=models.CASCADE, related_name="facts", primary_key=True
    )
    status = models.CharField(
        _("reading"), max_length=10, choices=ReadStatus.choices, default=ReadStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    method = models.CharField(
        _("read as"), max_length=10, choices=Method.choices, default=Method.NONE
    )
    pages = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    folded = models.TextField(blank=True)  # the summary and text without accents, for search
    read_at = models.DateTimeField(null=True, blank=True)

    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES, blank=True)
    kind_from = models.CharField(max_length=20, blank=True)
    number = models.CharField(_("number and symbol"), max_length=100, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=300, blank=True)
    summary = models.CharField(_("summary (trích yếu)"), max_length=500, blank=True)
    signer = models.CharField(_("signer"), max_length=120, blank=True)
    signer_title = models.CharField(max_length=120, blank=True)
    draft = models.BooleanField(default=False)
    confidence = models.PositiveSmallIntegerField(default=0)

    signature = models.CharField(
        _("digital signature"),
        max_length=10,
        choices=SignatureStatus.choices,
        default=SignatureStatus.UNKNOWN,
        blank=True,
    )
    signature_signer = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_trusted = models.BooleanField(default=False)

    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("document facts")
        verbose_name_plural = _("document facts")

    def __str__(self) -> str:
        return str(self.document)

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, "")

    @property
    def scanned(self) -> bool:
        return self.method == Method.OCR

    @property
    def finished(self) -> bool:
        return self.status in {ReadStatus.DONE, ReadStatus.FAILED}
