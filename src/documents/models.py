import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications import lifecycle
from applications.models import Application

# The self-print documents (everything but the KTP-el and KIA cards), by service code.
TITLES = {
    "KK": _("Kartu Keluarga"),
    "AKL": _("Kutipan Akta Kelahiran"),
    "AKM": _("Kutipan Akta Kematian"),
    "AKW": _("Kutipan Akta Perkawinan"),
    "AKC": _("Kutipan Akta Perceraian"),
    "SKPWNI": _("Surat Keterangan Pindah WNI"),
    "SKDWNI": _("Surat Keterangan Datang WNI"),
}
SELF_PRINT = tuple(TITLES)
# An application in these statuses has its document (or is about to have it).
ISSUED_STATUSES = {lifecycle.ISSUED, lifecycle.READY_FOR_HANDOVER, lifecycle.HANDED_OVER}


def document_path(instance, filename):
    # Opaque names: no personal data in paths.
    return f"documents/{uuid.uuid4().hex}.pdf"


class Document(models.Model):
    """A signed self-print document issued for one application.

    The row is made (number and code reserved) before the PDF exists; `sha256` is set with the
    file, so a row without it is "being prepared". A KK keeps its number through its versions:
    a new one supersedes the current one.
    """

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="document"
    )
    kind = models.CharField(_("jenis"), max_length=12)
    number = models.CharField(_("nomor"), max_length=40, db_index=True)
    issued_on = models.DateField(_("tanggal terbit"))
    holder_name = models.CharField(_("nama pemegang"), max_length=120)
    verification_code = models.CharField(max_length=64, unique=True, editable=False)
    pdf = models.FileField(upload_to=document_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one valid signed document per number (a KK's older versions are superseded).
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=Q(superseded_at__isnull=True) & ~Q(sha256=""),
                name="one_current_document_per_number",
            )
        ]
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")

    def __str__(self):
        return f"{self.kind} {self.pk}"

    @property
    def title(self) -> str:
        return str(TITLES.get(self.kind, self.kind))

    @property
    def is_ready(self) -> bool:
        return bool(self.sha256)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class RegisterCounter(models.Model):
    """The last serial handed out in one register (regency, type, day): numbers never repeat."""

    register = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.register}: {self.last}"
