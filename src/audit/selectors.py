"""Reads for the audit app: the access-log search and what retention would remove."""

import calendar
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Sum
from django.utils import timezone

from applications.lifecycle import FINISHED
from applications.models import Attachment
from audit.models import AccessLog


def months_before(moment: datetime, months: int) -> datetime:
    """The same local day and time `months` calendar months earlier (31 May - 3 = 28/29 Feb)."""
    local = timezone.localtime(moment)
    year, month0 = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month0 + 1)[1])
    return local.replace(year=year, month=month0 + 1, day=day)


def expired_attachments(*, cutoff: datetime):
    """Stored scans of applications that finished before `cutoff`."""
    return Attachment.objects.filter(
        application__status__in=FINISHED, application__status_changed_at__lt=cutoff
    ).exclude(file="")


def purge_plan(*, cutoff: datetime) -> list[dict]:
    """Per application: number, status, when it finished, how many files and bytes would go."""
    return list(
        expired_attachments(cutoff=cutoff)
        .values("application_id")
        .annotate(
            number=Max("application__registration_number"),
            status=Max("application__status"),
            finished_at=Max("application__status_changed_at"),
            files=Count("id"),
            bytes=Sum("size"),
        )
        .order_by("finished_at", "application_id")
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log(
    *,
    officer: str = "",
    registration_number: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
):
    """Access-log entries, newest first; dates are whole days in the office's time zone."""
    entries = AccessLog.objects.select_related("officer", "application").order_by("-at", "-id")
    if officer:
        entries = entries.filter(officer__username__icontains=officer)
    if registration_number:
        entries = entries.filter(application__registration_number=registration_number)
    if date_from:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    return entries
