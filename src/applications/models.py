import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Requirement, Service, Variant


class Application(models.Model):
    """A permohonan. Status changes only through applications.lifecycle.transition()."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration_number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(max_length=24, default="draft", db_index=True)
    channel = models.CharField(max_length=16, default="web")
    data = models.JSONField(default=dict)
    nik = models.CharField(max_length=16, blank=True, db_index=True)
    village = models.ForeignKey(
        "population.Village", on_delete=models.PROTECT, null=True, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    promise_date = models.DateField(null=True, blank=True)
    # Working days left on the promise when a fix was requested: the clock stops meanwhile.
    workdays_left_at_pause = models.PositiveSmallIntegerField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Integrated services: the application this one was made from (an akta kematian's new KK
    # and the surviving spouse's KTP-el); one tracking page shows them together.
    linked_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="linked"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Work queues: status filter, oldest first; by kecamatan (through the desa); overdue.
            models.Index(fields=["status", "submitted_at"]),
            # Overdue queue in order without a sort: walk submitted_at, filter on promise_date.
            models.Index(
                fields=["status", "submitted_at", "promise_date"], name="queue_overdue_idx"
            ),
            models.Index(fields=["status", "village"]),
            models.Index(fields=["status", "promise_date"]),
        ]
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")

    def __str__(self):
        return self.registration_number or f"draft {self.public_id}"


def attachment_path(instance, filename):
    # Opaque names: no personal data in paths.
    return f"applications/{instance.application.public_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """The file for one requirement of one application (the newest replaces the older)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT)
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"], name="one_file_per_requirement"
            )
        ]

    def __str__(self):
        return f"attachment {self.pk}"


class Event(models.Model):
    """One entry of the application's timeline."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=24)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.status} at {self.at:%Y-%m-%d %H:%M}"


class RequirementCheck(models.Model):
    """A verifier's decision on one requirement's file in one verification round."""

    ACCEPTED, REJECTED = "accepted", "rejected"
    REASONS = {
        "missing": _("Berkas belum ada"),
        "unreadable": _("Tidak terbaca atau buram"),
        "wrong_document": _("Bukan dokumen yang diminta"),
        "incomplete": _("Terpotong atau tidak lengkap"),
        "expired": _("Sudah tidak berlaku"),
        "data_mismatch": _("Data tidak sesuai dengan isian permohonan"),
        "other": _("Alasan lain"),
    }

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT)
    attachment = models.ForeignKey(Attachment, on_delete=models.SET_NULL, null=True, blank=True)
    decision = models.CharField(max_length=10)
    reason = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=300, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.requirement_id} {self.decision}"

    @property
    def reason_label(self) -> str:
        return str(self.REASONS.get(self.reason, self.reason))
