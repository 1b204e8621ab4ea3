"""Writes for the audit app: access-log rows and the retention purge."""

import os

from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from applications.models import Attachment
from audit.models import AccessLog, RetentionRun
from audit.selectors import expired_attachments, months_before
from loket.http import client_ip

PURGE_BATCH = 200


def record_access(request, *, application, screen: str, attachment=None) -> AccessLog:
    """Write who opened which application (or file) on which screen."""
    return AccessLog.objects.create(
        officer=request.user,
        application=application,
        attachment_id=getattr(attachment, "pk", None),
        screen=screen,
        ip=client_ip(request),
    )


def scans_purge(*, months: int, now=None) -> RetentionRun:
    """Remove the stored scans of applications finished more than `months` months ago.

    The application, its timeline and its Attachment rows stay (requirement, type, size,
    checksum, upload time: what was filed); each row loses its file and the resident's original
    file name. The file goes first and the row follows, so an interrupted run never leaves a
    scan on disk that no row points to; running again finishes the job.
    """
    now = now or timezone.now()
    cutoff = months_before(now, months)
    run = RetentionRun.objects.create(started_at=now, months=months, cutoff=cutoff)
    ids = list(expired_attachments(cutoff=cutoff).values_list("id", flat=True))
    applications: set[int] = set()
    for start in range(0, len(ids), PURGE_BATCH):
        batch = list(
            Attachment.objects.filter(id__in=ids[start : start + PURGE_BATCH]).exclude(file="")
        )
        for attachment in batch:
            _delete_file(attachment.file.storage, attachment.file.name)
        with transaction.atomic():
            Attachment.objects.filter(id__in=[a.id for a in batch]).update(
                file="", original_name=""
            )
            applications.update(a.application_id for a in batch)
            run.applications = len(applications)
            run.files += len(batch)
            run.bytes += sum(a.size for a in batch)
            run.save(update_fields=["applications", "files", "bytes"])
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


def _delete_file(storage, name: str) -> None:
    storage.delete(name)  # a file already gone is not an error
    directory = os.path.dirname(name)
    if not directory or not isinstance(storage, FileSystemStorage):
        return  # object storage has no folders to tidy
    try:  # the application's folder, once empty, goes too
        os.rmdir(storage.path(directory))
    except OSError:
        pass
