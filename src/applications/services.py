"""Writes on applications: each function is one transaction that completes or changes nothing."""

import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import integrated, lifecycle
from applications.models import Application, Attachment
from applications.selectors import missing_requirements
from applications.uploads import clean_upload
from catalogue.models import Requirement, Service, Variant
from catalogue.selectors import requirements_for
from loket.errors import DomainError
from workdays.calendar import promise_date_for
from workdays.disruptions import promise_with_disruptions

REGISTRATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def new_registration_number(service: Service, when) -> str:
    suffix = "".join(secrets.choice(REGISTRATION_ALPHABET) for _ in range(6))
    return f"{service.code}-{timezone.localtime(when):%y%m%d}-{suffix}"


def _primary_nik(data: dict) -> str:
    return data.get("nik") or data.get("mother_nik") or data.get("father_nik") or ""


def _apply_data(application: Application, variant: Variant | None, data: dict) -> None:
    application.variant = variant
    application.data = data
    application.nik = _primary_nik(data)
    application.village_id = data.get("village") or None


@transaction.atomic
def application_start(
    *, resident, service: Service, variant: Variant | None, data: dict, channel: str = "web"
) -> Application:
    """A draft the resident can add files to and come back to later."""
    application = Application(resident=resident, service=service, channel=channel)
    _apply_data(application, variant, data)
    application.save()
    return application


def _lock_draft(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != lifecycle.DRAFT:
        raise DomainError(
            "already_submitted",
            _("Permohonan ini sudah diajukan dengan nomor %(number)s."),
            number=locked.registration_number,
        )
    return locked


def _lock_for_files(application: Application, requirement: Requirement) -> Application:
    """Files change on a draft, or after a fix request only for the rejected requirements."""
    from applications.verification import latest_rejections

    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == lifecycle.NEEDS_FIX:
        if requirement.id not in latest_rejections(locked):
            raise DomainError(
                "file_not_rejected",
                _("Berkas ini sudah diterima petugas; hanya berkas yang ditolak yang diganti."),
            )
        return locked
    return _lock_draft(application)


@transaction.atomic
def application_update_data(*, application: Application, variant, data: dict) -> Application:
    locked = _lock_draft(application)
    _apply_data(locked, variant, data)
    locked.save()
    # Files for requirements the new variant no longer has are dropped with it.
    wanted = {r.id for r in requirements_for(locked.service, variant)}
    for attachment in locked.attachments.exclude(requirement_id__in=wanted):
        _delete_attachment(attachment)
    return locked


def _delete_attachment(attachment: Attachment) -> None:
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attachment_put(*, application: Application, requirement: Requirement, upload) -> Attachment:
    """Store the checked file for one requirement, replacing the previous one."""
    locked = _lock_for_files(application, requirement)
    if requirement.id not in {r.id for r in requirements_for(locked.service, locked.variant)}:
        raise DomainError(
            "requirement_unknown", _("Persyaratan ini bukan bagian dari permohonan Anda.")
        )
    clean = clean_upload(upload, requirement)
    for old in locked.attachments.filter(requirement=requirement):
        _delete_attachment(old)
    attachment = Attachment(
        application=locked,
        requirement=requirement,
        content_type=clean.content_type,
        size=len(clean.content),
        sha256=clean.sha256,
        original_name=(getattr(upload, "name", "") or "")[:200],
    )
    attachment.file.save("upload", ContentFile(clean.content), save=False)
    name, storage = attachment.file.name, attachment.file.storage
    try:
        attachment.save()
    except Exception:
        storage.delete(name)  # never leave an orphan file behind a failed write
        raise
    return attachment


def _save_with_new_number(application: Application, now, tries: int = 5) -> None:
    """Random numbers (not guessable in sequence); retry on the rare collision."""
    for attempt in range(tries):
        application.registration_number = new_registration_number(application.service, now)
        try:
            with transaction.atomic():
                application.save(
                    update_fields=["registration_number", "submitted_at", "promise_date"]
                )
            return
        except IntegrityError:
            if attempt == tries - 1:
                raise


@transaction.atomic
def application_submit(
    *, application: Application, acting_user=None, now=None, notify: bool = True
) -> Application:
    """Submit a complete draft: registration number, promise date, timeline, notification.
    `notify=False` when the caller answers the resident itself (the chat engine's reply)."""
    locked = _lock_draft(application)
    missing = missing_requirements(locked)
    if missing:
        raise DomainError(
            "requirements_missing",
            _("Belum lengkap. Berkas yang masih kurang: %(names)s."),
            names="; ".join(r.t.name for r in missing),
        )
    now = now or timezone.now()
    _number_and_promise(locked, now)
    lifecycle.transition(locked, lifecycle.SUBMITTED, actor=acting_user, notify=notify)
    if integrated.yields_linked_applications(locked):
        integrated.linked_applications_submit(application=locked, acting_user=acting_user, now=now)
    return locked


def submit_linked(*, application: Application, acting_user=None, now) -> None:
    """Submit an integrated request's linked application with its parent (no notice of its
    own: the parent's tells the resident, and one tracking page shows them all)."""
    _number_and_promise(application, now)
    lifecycle.transition(application, lifecycle.SUBMITTED, actor=acting_user, notify=False)


def _number_and_promise(application: Application, now) -> None:
    time_limit = (
        application.variant.effective_time_limit
        if application.variant
        else application.service.time_limit_workdays
    )
    application.submitted_at = now
    application.promise_date = promise_with_disruptions(
        application.service_id, now, promise_date_for(time_limit, now)
    )
    _save_with_new_number(application, now)
