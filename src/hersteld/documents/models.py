"""A UWV document of a chain of absence, its versions and its signed scans (P12)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hersteld.absence.models import CaseChild
from hersteld.core.restrict import RestrictedQuerySet
from hersteld.documents import types


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


class Document(CaseChild):
    """One version of one document. A final version never changes again: a correction is a
    new version (a "bijstelling") that names the one it `replaces`.

    `fields` holds what the employer may read; `medical_fields` the medical part, kept apart
    so that no serializer, page or PDF shows it by accident (only with `medical.view`).
    `identification` is the UWV identification frozen at finalising.
    """

    AUDITED = ("doc_type", "status", "version", "fields", "document_date", "todo")
    # Types only some users may read (the Ziektewet claim names the staff-only safety-net
    # category; the medical information for UWV is medical): the history leaves out their
    # rows for anyone else too (core.selectors.audit_events).
    RESTRICTED_KINDS: ClassVar[tuple[str, dict[str, str]]] = (
        "doc_type",
        {t.code: t.read_permission for t in types.TYPES if t.read_permission != "absence.view"},
    )

    case = models.ForeignKey(
        "absence.AbsenceCase", on_delete=models.CASCADE, related_name="documents"
    )
    doc_type = models.CharField(_("document type"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    fields = models.JSONField(_("content"), default=dict, blank=True)
    medical_fields = models.JSONField(default=dict, blank=True)
    identification = models.JSONField(default=dict, blank=True)
    document_date = models.DateField(_("date"), null=True, blank=True)
    # The Poortwachter step this document completed (the to-do links back: todo.documents).
    todo = models.ForeignKey(
        "poortwachter.Todo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[RestrictedQuerySet[Document]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["case", "doc_type"])]

    def __str__(self) -> str:
        return f"{self.label} v{self.version}"

    @property
    def schema(self) -> types.DocumentType:
        found = types.get(self.doc_type)
        assert found is not None, self.doc_type
        return found

    @property
    def label(self) -> str:
        found = types.get(self.doc_type)
        return str(_(found.label)) if found else self.doc_type

    @property
    def is_final(self) -> bool:
        return self.status == DocumentStatus.FINAL

    def values(self, *, medical: bool) -> dict[str, Any]:
        return {**self.fields, **self.medical_fields} if medical else dict(self.fields)


class DocumentScan(models.Model):
    """The signed paper version, scanned and uploaded back; attached to a final version."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="scans")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class SignatureParty(models.TextChoices):
    EMPLOYEE = "employee", _("employee")
    EMPLOYER = "employer", _("employer")


class DocumentSignature(models.Model):
    """A party's digital signature of one final version, given in the portal or the API
    instead of a signed paper scan: once per party per version (a bijstelling is signed
    anew). `agreed` false is "voor gezien, niet akkoord" with the reason in `remark`."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=10, choices=SignatureParty.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField()
    agreed = models.BooleanField(default=True)
    remark = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "party"], name="documents_one_signature_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.document_id}"


class UwvTaskKind(models.TextChoices):
    CLAIM = "ZW_AANVRAAG", _("Ziektewet claim to UWV (vangnet)")
    RECOVERY = "HERSTELMELDING_UWV", _("Recovery report to UWV (vangnet)")


class UwvTask(models.Model):
    """Marks a to-do as one of the UWV deadlines this app keeps (rules.md 4), so that a later
    change of the case moves or removes it; the kind is the document type that completes it."""

    todo = models.OneToOneField(
        "poortwachter.Todo", on_delete=models.CASCADE, related_name="uwv_task"
    )
    kind = models.CharField(max_length=40, choices=UwvTaskKind.choices)

    def __str__(self) -> str:
        return f"{self.kind} {self.todo_id}"
