"""Messages per dossier, their attachments, who received and read them, and e-mail wishes."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hersteld.core.restrict import RestrictedQuerySet, ScopedModel, ScopePaths
from hersteld.messaging.rules import Frequency, Thread

MESSAGE_SCOPE = ScopePaths(
    arbodienst="employer__arbodienst",
    employer="employer",
    department="case__employment__department",
    employee="employee",
)


class ThreadChoices(models.TextChoices):
    CASE = Thread.CASE.value, _("Dossier")
    MEDICAL = Thread.MEDICAL.value, _("Medical (employee and bedrijfsarts)")


class Message(ScopedModel):
    """One message in a thread of one dossier. Never changed after sending."""

    scope_paths = MESSAGE_SCOPE

    case = models.ForeignKey("absence.AbsenceCase", on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        "organisations.Employer", on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="+")
    thread = models.CharField(_("thread"), max_length=10, choices=ThreadChoices.choices)
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    text = models.TextField(_("message"), max_length=10000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    author_role = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[Message]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "thread", "created_at"])]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.author_name} {self.created_at:%d-%m-%Y %H:%M}"

    @property
    def unread_names(self) -> list[str]:
        """Recipients who have not read it yet (from prefetched receipts)."""
        return [
            r.user.get_full_name() or r.user.username for r in self.receipts.all() if not r.read_at
        ]


class Attachment(ScopedModel):
    """A file sent with a message: PDF, JPEG or PNG, checked by content, size-limited."""

    scope_paths = ScopePaths(
        arbodienst="message__employer__arbodienst",
        employer="message__employer",
        department="message__case__employment__department",
        employee="message__employee",
    )

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    data = models.BinaryField()

    objects: ClassVar[RestrictedQuerySet[Attachment]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def employer_id(self) -> int:
        return self.message.employer_id

    @property
    def employee_id(self) -> int:
        return self.message.employee_id


class Receipt(models.Model):
    """A message as one recipient has it: the inbox, the unread count, read receipts, e-mail."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_receipts"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-message__created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="one_receipt_per_recipient")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.message_id}"


class FrequencyChoices(models.TextChoices):
    IMMEDIATELY = Frequency.IMMEDIATELY.value, _("Immediately")
    DAILY = Frequency.DAILY.value, _("Once a day")
    OFF = Frequency.OFF.value, _("Never")


class Preference(models.Model):
    """How a user wants to hear of new messages by e-mail (the e-mail never carries content)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preference"
    )
    email = models.CharField(
        _("e-mail about new messages"),
        max_length=12,
        choices=FrequencyChoices.choices,
        default=Frequency.DAILY.value,
    )

    def __str__(self) -> str:
        return f"{self.user_id} {self.email}"
