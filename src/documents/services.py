"""Issuing self-print documents: reserve the number, render, sign, store, supersede.

Rendering and signing (tens of ms) happen outside any transaction, so an application row is
never locked (nor SQLite's write lock held) while WeasyPrint works. The row reserved first
carries the number and verification code printed on the PDF; the file is attached after.
A second caller (a re-run task, `documents_resume`) finds the row and finishes or returns it.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from documents import pdf, signing
from documents.models import (
    ISSUED_STATUSES,
    SELF_PRINT,
    Document,
    RegisterCounter,
    document_path,
)
from loket.errors import DomainError

# Register codes of the civil-registration books (LT = lahir, KM = kematian, KW = perkawinan,
# CR = perceraian); a KK keeps the family's No. KK.
REGISTER_CODES = {
    "AKL": "LT",
    "AKM": "KM",
    "AKW": "KW",
    "AKC": "CR",
    "SKPWNI": "SKPWNI",
    "SKDWNI": "SKDWNI",
}
CODE_BYTES = 24  # 192 bits: not guessable, 32 URL-safe characters


def document_issue_later(*, application: Application) -> None:
    """Issue the document once the caller's transaction commits (in the worker)."""
    if application.service.code not in SELF_PRINT:
        return
    from documents.tasks import issue_document  # tasks import services

    pk = application.pk
    transaction.on_commit(lambda: issue_document.enqueue(pk))


def document_issue(*, application: Application) -> Document:
    """The signed document of `application`, made if needed; idempotent per application.

    The application must already be issued (lifecycle ISSUED or later). Issuing a KK supersedes
    the current KK with the same No. KK. Callable inside the caller's transaction (integrated
    services), though rendering then holds that transaction's locks for ~0.1 s.
    """
    document = _document_reserve(application=application)
    if document.is_ready:
        return document
    signing.office_signer()  # fail before the costly render when the certificate is missing
    content = signing.sign_pdf(
        pdf.render_pdf(document), reason=document.title, location=settings.OFFICE_NAME
    )
    storage = Document._meta.get_field("pdf").storage
    name = storage.save(document_path(document, ""), ContentFile(content))
    try:
        issued = _document_attach(document=document, name=name, content=content)
    except BaseException:
        storage.delete(name)
        raise
    if issued.pdf.name != name:  # another worker attached its file first
        storage.delete(name)
    return issued


def _number(application: Application, day) -> str:
    kind = application.service.code
    if kind == "KK":
        number = "".join(str(application.data.get("no_kk", "")).split())
        if len(number) != 16 or not number.isdigit():
            raise DomainError("no_kk_missing", _("Nomor KK permohonan ini tidak lengkap."))
        return number
    register = f"{settings.OFFICE_REGENCY_CODE}-{REGISTER_CODES[kind]}-{day:%d%m%Y}"
    counter, _created = RegisterCounter.objects.get_or_create(register=register)
    # The UPDATE locks the counter row until commit: two issuers never get the same serial.
    RegisterCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{register}-{counter.last:04d}"


@transaction.atomic
def _document_reserve(*, application: Application) -> Document:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service")
        .get(pk=application.pk)
    )
    existing = Document.objects.filter(application=locked).first()
    if existing is not None:
        return existing
    if locked.service.code not in SELF_PRINT:
        raise DomainError("not_self_print", _("Dokumen ini tidak dapat dicetak sendiri."))
    if locked.status not in ISSUED_STATUSES:
        raise DomainError("not_issued", _("Dokumen belum terbit."))
    today = timezone.localdate()
    return Document.objects.create(
        application=locked,
        kind=locked.service.code,
        number=_number(locked, today),
        issued_on=today,
        holder_name=str(locked.data.get("name", ""))[:120],
        verification_code=secrets.token_urlsafe(CODE_BYTES),
    )


@transaction.atomic
def _document_attach(*, document: Document, name: str, content: bytes) -> Document:
    locked = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if locked.is_ready:
        return locked
    now = timezone.now()
    # The current version of the same number (a family's KK) is replaced by this one; it goes
    # first because one number has at most one current signed document.
    Document.objects.filter(
        kind=locked.kind, number=locked.number, superseded_at__isnull=True
    ).exclude(sha256="").exclude(pk=locked.pk).update(superseded_at=now, superseded_by=locked)
    locked.pdf.name = name
    locked.sha256 = hashlib.sha256(content).hexdigest()
    locked.signed_at = now
    locked.save(update_fields=["pdf", "sha256", "signed_at"])
    return locked
