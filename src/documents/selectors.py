"""Reads for self-print documents."""

from applications.models import Application
from documents.models import ISSUED_STATUSES, SELF_PRINT, Document


def document_of_application(application: Application) -> Document | None:
    return Document.objects.filter(application=application).first()


def document_by_code(code: str) -> Document:
    """The document with this verification code; Document.DoesNotExist otherwise."""
    return Document.objects.select_related("superseded_by").get(verification_code=code)


def applications_awaiting_documents(*, issued_before=None):
    """Issued self-print applications whose signed PDF is not there yet (the certificate was
    missing, a task failed). `issued_before` leaves alone the ones whose task may still run."""
    rows = Application.objects.filter(
        service__code__in=SELF_PRINT, status__in=ISSUED_STATUSES
    ).exclude(document__sha256__gt="")
    if issued_before is not None:
        rows = rows.filter(status_changed_at__lt=issued_before)
    return rows.order_by("status_changed_at", "id")


def mask_name(name: str) -> str:
    """mask_name("Budi Santoso") == "B*** S******": enough to match a person in front of you,
    too little to learn a name from a code."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())
