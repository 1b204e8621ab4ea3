"""Disruptions (Klaten, Nunukan: outages and a building move were announced on Instagram while
service simply stopped). An officer declares one; every page shows it; the working days it takes
are added to the promise dates of the applications it touches, and each resident is told the
new date; when it is over, they are told service is back.

Each write is one transaction. Shifting promise dates is idempotent (DisruptionShift is unique
per disruption and application), so the background task may run again after a crash.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from loket.errors import DomainError
from population.nik import Problem
from workdays.calendar import WorkingCalendar, closing_time
from workdays.models import Disruption, DisruptionShift

OPENING_TIME = time(8, 0)
MAX_LENGTH = timedelta(days=60)  # longer is a closure for the office calendar, not a disruption
CACHE_KEY = "workdays:current-disruptions"
CACHE_SECONDS = 30


def lost_working_days(starts_at: datetime, ends_at: datetime) -> int:
    """Working days whose office hours (08:00 to closing) the window touches."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    calendar = WorkingCalendar(start.date(), end.date())
    count, day = 0, start.date()
    while day <= end.date():
        tz = start.tzinfo
        opens = datetime.combine(day, OPENING_TIME, tzinfo=tz)
        closes = datetime.combine(day, closing_time(), tzinfo=tz)
        if calendar.is_working_day(day) and start < closes and end > opens:
            count += 1
        day += timedelta(days=1)
    return count


def _problems(*, kind, description, starts_at, ends_at) -> list:
    problems = []
    if kind not in dict(Disruption.KINDS):
        problems.append(Problem("disruption_kind", _("Pilih jenis gangguan."), {}))
    if not (description or "").strip():
        problems.append(Problem("disruption_text", _("Tulis keterangan untuk warga."), {}))
    if not starts_at or not ends_at:
        problems.append(Problem("disruption_window", _("Isi waktu mulai dan selesai."), {}))
    elif ends_at <= starts_at:
        problems.append(
            Problem("disruption_window", _("Waktu selesai harus sesudah waktu mulai."), {})
        )
    elif ends_at - starts_at > MAX_LENGTH:
        problems.append(
            Problem(
                "disruption_too_long",
                _("Gangguan lebih dari 60 hari: tutup hari kerja di kalender kantor saja."),
                {},
            )
        )
    return problems


@transaction.atomic
def disruption_declare(
    *, kind: str, description: str, starts_at, ends_at, services=(), officer=None
) -> Disruption:
    problems = _problems(kind=kind, description=description, starts_at=starts_at, ends_at=ends_at)
    if problems:
        raise DomainError(problems=problems)
    disruption = Disruption.objects.create(
        kind=kind,
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        lost_working_days=lost_working_days(starts_at, ends_at),
        declared_by=officer,
    )
    disruption.services.set(services)
    _cancel_bookings(disruption)
    cache.delete(CACHE_KEY)
    from workdays.tasks import shift_promise_dates

    transaction.on_commit(lambda: shift_promise_dates.enqueue(disruption.pk))
    return disruption


def _cancel_bookings(disruption: Disruption) -> None:
    """Counter visits booked inside the window are cancelled, each resident told why (they
    book again once service is back)."""
    from counter_queue.models import QueueService
    from counter_queue.services import bookings_cancel_in_window

    service_ids = list(disruption.services.values_list("pk", flat=True))
    queued = QueueService.objects.filter(service_id__in=service_ids) if service_ids else None
    bookings_cancel_in_window(
        starts=disruption.starts_at,
        ends=disruption.ends_at,
        reason=f"{disruption.get_kind_display()}: {disruption.description}",
        services=queued,
    )


def affected_applications(disruption: Disruption):
    """Applications in progress whose promise date falls on or after the disruption's start."""
    from applications import lifecycle
    from applications.models import Application

    waiting = set(lifecycle.TRANSITIONS) - lifecycle.FINISHED - {lifecycle.DRAFT}
    waiting -= lifecycle.CLOCK_STOPPED  # their clock already waits for the resident
    start_day = timezone.localtime(disruption.starts_at).date()
    rows = Application.objects.filter(status__in=waiting, promise_date__gte=start_day)
    service_ids = list(disruption.services.values_list("pk", flat=True))
    if service_ids:
        rows = rows.filter(service_id__in=service_ids)
    return rows.exclude(disruptionshift__disruption=disruption)


def shift_batch(disruption_id: int, batch_size: int = 200) -> int:
    """Move the next batch of affected promise dates (one transaction); how many moved."""
    from applications import lifecycle

    with transaction.atomic():
        disruption = Disruption.objects.select_for_update().get(pk=disruption_id)
        if disruption.lost_working_days == 0:
            return 0
        batch = list(
            affected_applications(disruption)
            .select_related("service", "resident")
            .select_for_update(of=("self",))
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return 0
        calendar = WorkingCalendar(
            min(a.promise_date for a in batch), max(a.promise_date for a in batch)
        )
        note = _("%(kind)s: %(description)s") % {
            "kind": disruption.get_kind_display(),
            "description": disruption.description,
        }
        for application in batch:
            old = application.promise_date
            new = calendar.add_working_days(old, disruption.lost_working_days)
            lifecycle.promise_moved(
                application, new, note=str(note), data={"disruption": disruption.pk}
            )
            DisruptionShift.objects.create(
                disruption=disruption, application=application, old_date=old, new_date=new
            )
        return len(batch)


@transaction.atomic
def disruption_end(*, disruption: Disruption, officer=None, now=None) -> Disruption:
    """Declare it over now (it may end earlier than announced) and tell residents."""
    now = now or timezone.now()
    locked = Disruption.objects.select_for_update().get(pk=disruption.pk)
    if locked.ended_at:
        raise DomainError("disruption_already_ended", _("Gangguan ini sudah dinyatakan selesai."))
    if now <= locked.starts_at:  # called off before it began: nothing to say beyond that
        locked.ends_at = locked.starts_at + timedelta(seconds=1)
    elif now < locked.ends_at:
        locked.ends_at = now
    locked.ended_at = now
    locked.save(update_fields=["ends_at", "ended_at"])
    cache.delete(CACHE_KEY)
    _send_back_notices(locked, now)
    return locked


def close_finished(now=None) -> int:
    """Disruptions whose announced end has passed: tell residents service is back (once)."""
    now = now or timezone.now()
    count = 0
    for pk in Disruption.objects.filter(
        ends_at__lte=now, back_notice_sent_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Disruption.objects.select_for_update().get(pk=pk)
            if locked.back_notice_sent_at is None:
                _send_back_notices(locked, now)
                count += 1
    cache.delete(CACHE_KEY)
    return count


SERVICE_BACK = _(
    "%(office)s: layanan sudah normal kembali (%(description)s). Permohonan %(number)s "
    "diproses lagi; perkiraan selesai %(date)s."
)


def _tell_service_back(application, description: str) -> None:
    from notifications.services import channel_for, queue_message

    phone = application.resident.phone
    if not phone:
        return
    with translation.override(application.resident.preferred_language or "id"):
        body = str(SERVICE_BACK) % {
            "office": settings.OFFICE_NAME,
            "description": description,
            "number": application.registration_number,
            "date": formats.date_format(application.promise_date, "l, j F Y"),
        }
    queue_message(
        recipient=phone, body=body, application=application, channel=channel_for(application)
    )


def _send_back_notices(disruption: Disruption, now) -> None:
    if disruption.back_notice_sent_at:
        return
    told = set()
    shifts = disruption.shifts.select_related("application__resident", "application__service")
    for shift in shifts:
        phone = shift.application.resident.phone
        if phone in told:
            continue
        told.add(phone)
        _tell_service_back(shift.application, disruption.description)
    disruption.back_notice_sent_at = now
    disruption.save(update_fields=["back_notice_sent_at"])


def current_disruptions(now=None) -> list[Disruption]:
    """Disruptions going on now or starting within a day: for the banner on every page."""
    if now is None:
        cached = cache.get(CACHE_KEY)
        if cached is not None:
            return cached
    moment = now or timezone.now()
    rows = list(
        Disruption.objects.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=moment),
            starts_at__lte=moment + timedelta(days=1),
            ends_at__gt=moment,
        )
        .prefetch_related("services")
        .order_by("starts_at")
    )
    if now is None:
        cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return rows


def promise_with_disruptions(service_id: int, submitted_at, promise):
    """The promise date of an application submitted now, moved past the working days that
    declared disruptions of its service will take between now and that date."""
    rows = Disruption.objects.filter(
        Q(services__isnull=True) | Q(services__pk=service_id),
        ended_at__isnull=True,
        ends_at__gt=submitted_at,
        starts_at__date__lte=promise,
    ).distinct()
    lost = sum(lost_working_days(max(d.starts_at, submitted_at), d.ends_at) for d in rows)
    if not lost:
        return promise
    return WorkingCalendar(promise, promise).add_working_days(promise, lost)


def recent_disruptions(days: int = 30) -> list[Disruption]:
    since = timezone.now() - timedelta(days=days)
    return list(Disruption.objects.filter(ends_at__gte=since).prefetch_related("services")[:50])
