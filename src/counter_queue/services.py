"""Writes on the counter queue: bookings, tickets, calls. Each public function is one
transaction that completes or changes nothing; refusals are DomainErrors in the user's language.

Concurrency: places are taken with conditional UPDATEs on the slot and day rows (see models);
the partial unique index on (nik, service) catches two bookings for one person at the same
instant; a counter's row is locked while it calls so two presses cannot call two tickets.
"""

import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from counter_queue.models import (
    Booking,
    Counter,
    OpeningHours,
    QueueDay,
    QueueService,
    Slot,
    Ticket,
)
from loket.errors import DomainError
from notifications.services import queue_message
from population.services import validate_nik
from workdays.calendar import is_working_day

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud, typed from paper
CODE_LENGTH = 8  # 32**8 ≈ 10**12 codes: not guessable, still short to read aloud
BOOKING_HORIZON_DAYS = 30
# Berlin's lesson: one account booking for many NIKs is how bots hoard; a family is a few.
MAX_ACTIVE_BOOKINGS_PER_ACCOUNT = 5
REMIND_DAY_BEFORE_AT = time(16, 0)
REMIND_MORNING_AT = time(7, 0)
REASON_MAX = 200


# --- helpers -----------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))


def normalize_code(value) -> str:
    return "".join(ch for ch in str(value or "").upper() if ch.isalnum())


def office_datetime(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def slot_times(hours: OpeningHours) -> list[tuple[time, time]]:
    step = timedelta(minutes=hours.slot_minutes)
    start = datetime.combine(date.min, hours.opens_at)
    end = datetime.combine(date.min, hours.closes_at)
    times = []
    while start + step <= end:
        times.append((start.time(), (start + step).time()))
        start += step
    return times


def slot_capacity(service: QueueService) -> int:
    """Places per slot: the open counters handling the service, times what each can take."""
    return service.visits_per_counter * service.counters.filter(active=True).count()


def hours_for(day: date) -> OpeningHours:
    hours = OpeningHours.objects.filter(weekday=day.weekday()).first()
    if hours is None or not is_working_day(day):
        raise DomainError(
            "office_closed",
            _("Kantor tutup pada %(date)s (bukan hari kerja). Pilih hari kerja lain."),
            date=formats.date_format(day, "l, j F Y"),
        )
    return hours


def _ensure_day(service: QueueService, day: date) -> None:
    # ON CONFLICT DO NOTHING on both databases: racing creators neither fail nor abort.
    QueueDay.objects.bulk_create(
        [QueueDay(service=service, date=day, quota=service.daily_quota)], ignore_conflicts=True
    )


def _ensure_slots(service: QueueService, day: date, hours: OpeningHours, capacity: int) -> None:
    _ensure_day(service, day)
    Slot.objects.bulk_create(
        [
            Slot(service=service, date=day, starts_at=start, ends_at=end, capacity=capacity)
            for start, end in slot_times(hours)
        ],
        ignore_conflicts=True,
    )


def _touch_board(service_id: int, day: date) -> None:
    """Display boards compare the day's summed versions to know something changed."""
    QueueDay.objects.filter(service_id=service_id, date=day).update(
        board_version=F("board_version") + 1
    )


def _when(booking: Booking) -> str:
    return formats.date_format(booking.slot.date, "l, j F Y")


def _notify(booking: Booking, template, **extra) -> None:
    phone = booking.resident.phone
    if not phone:
        return
    with translation.override(booking.resident.preferred_language or "id"):
        body = str(template) % {
            "office": settings.OFFICE_NAME,
            "service": booking.service.service.code,
            "date": _when(booking),
            "time": booking.slot.starts_at.strftime("%H:%M"),
            "code": booking.display_code,
            "grace": booking.service.grace_minutes,
            "url": settings.PUBLIC_BASE_URL.rstrip("/")
            + reverse("counter_queue:booking", args=[booking.code]),
            **extra,
        }
    channel = "whatsapp" if booking.channel == "whatsapp" else "sms"
    queue_message(recipient=phone, body=body, application=booking.application, channel=channel)


BOOKED_NOTICE = _(
    "%(office)s: kunjungan %(service)s Anda terjadwal %(date)s pukul %(time)s. "
    "Kode pesanan %(code)s — tunjukkan di meja informasi paling lambat %(grace)s menit "
    "setelah jam itu. Tidak jadi datang? Batalkan: %(url)s"
)
REMINDER_NOTICE = _(
    "Pengingat %(office)s: kunjungan %(service)s Anda %(date)s pukul %(time)s, kode pesanan "
    "%(code)s. Tidak jadi datang? Batalkan agar orang lain dapat memakai jamnya: %(url)s"
)
CANCELLED_BY_OFFICE_NOTICE = _(
    "%(office)s: maaf, kunjungan %(service)s Anda %(date)s pukul %(time)s (kode %(code)s) "
    "dibatalkan: %(reason)s. Silakan pesan jadwal baru: %(url)s"
)


def remind_at_for(start: datetime, now: datetime) -> datetime | None:
    """The day before at 16:00, or the morning of; none when both have passed."""
    day = timezone.localtime(start).date()
    for when in (
        office_datetime(day - timedelta(days=1), REMIND_DAY_BEFORE_AT),
        office_datetime(day, REMIND_MORNING_AT),
    ):
        if now < when < start:
            return when
    return None


def _schedule(booking: Booking, start: datetime) -> None:
    from counter_queue import tasks

    release_at = start + timedelta(minutes=booking.service.grace_minutes, seconds=1)
    transaction.on_commit(lambda: tasks.enqueue_at(tasks.release_no_shows, release_at))
    if booking.remind_at:
        transaction.on_commit(
            lambda: tasks.enqueue_at(tasks.send_reminder, booking.remind_at, booking.pk)
        )


# --- booking -----------------------------------------------------------------------------------


def booking_create(
    *,
    resident,
    nik: str,
    service: QueueService,
    day: date,
    starts_at: time,
    variant=None,
    application=None,
    channel: str = "web",
    now: datetime | None = None,
) -> Booking:
    """Book a visit at `starts_at` on `day`. Also the entry point for WhatsApp (channel
    "whatsapp") and for a KTP-el PEMULA application's biometric recording (`application`)."""
    now = now or timezone.now()
    facts, problems = validate_nik(nik)
    if problems:
        raise DomainError(problems=problems)
    if not service.bookable:
        raise DomainError(
            "not_bookable",
            _("Layanan %(service)s tidak dapat dipesan daring; datang dan ambil nomor antrean."),
            service=service.service.code,
        )
    today = timezone.localdate(now)
    if day < today:
        raise DomainError("day_passed", _("Tanggal itu sudah lewat. Pilih tanggal lain."))
    if day > today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise DomainError(
            "day_too_far",
            _("Pemesanan dibuka paling jauh %(days)d hari ke depan."),
            days=BOOKING_HORIZON_DAYS,
        )
    hours = hours_for(day)
    ends = dict(slot_times(hours))
    if starts_at not in ends:
        raise DomainError(
            "outside_hours",
            _(
                "Pukul %(time)s bukan jam pemesanan. Jam layanan %(opens)s–%(closes)s, "
                "tiap %(minutes)d menit."
            ),
            time=starts_at.strftime("%H:%M"),
            opens=hours.opens_at.strftime("%H:%M"),
            closes=hours.closes_at.strftime("%H:%M"),
            minutes=hours.slot_minutes,
        )
    start = office_datetime(day, starts_at)
    if start <= now:
        raise DomainError(
            "slot_passed",
            _("Jam %(time)s hari ini sudah lewat. Pilih jam yang lebih siang."),
            time=starts_at.strftime("%H:%M"),
        )
    capacity = slot_capacity(service)
    if not capacity:
        raise DomainError(
            "no_counter",
            _("Belum ada loket yang melayani %(service)s. Hubungi kantor."),
            service=service.service.code,
        )
    # In a rush nearly every request finds its slot full: say so from a read, without taking
    # the write lock (SQLite) or the row lock (PostgreSQL). _book re-checks under the lock.
    known = Slot.objects.filter(service=service, date=day, starts_at=starts_at).first()
    if known and known.booked >= known.capacity:
        raise _slot_full(starts_at, day)
    try:
        return _book(
            resident=resident,
            nik=facts.nik,
            service=service,
            day=day,
            starts_at=starts_at,
            hours=hours,
            capacity=capacity,
            variant=variant,
            application=application,
            channel=channel,
            start=start,
            now=now,
        )
    except IntegrityError:
        # Another request booked the same NIK at the same instant and committed first.
        raise DomainError(
            "already_booked_now",
            _("NIK ini baru saja dipesankan untuk layanan yang sama. Lihat pesanan Anda."),
        ) from None


@transaction.atomic
def _book(*, resident, nik, service, day, starts_at, hours, capacity, start, now, **extra):
    existing = (
        Booking.objects.filter(nik=nik, service=service, status=Booking.ACTIVE)
        .select_related("slot")
        .first()
    )
    if existing:
        raise DomainError(
            "already_booked",
            _(
                "NIK ini sudah punya pesanan %(service)s pada %(date)s pukul %(time)s "
                "(kode %(booking_code)s). Batalkan dulu bila ingin pindah jadwal."
            ),
            service=service.service.code,
            date=formats.date_format(existing.slot.date, "l, j F Y"),
            time=existing.slot.starts_at.strftime("%H:%M"),
            booking_code=existing.display_code,
        )
    mine = Booking.objects.filter(resident=resident, status=Booking.ACTIVE).count()
    if mine >= MAX_ACTIVE_BOOKINGS_PER_ACCOUNT:
        raise DomainError(
            "too_many_bookings",
            _("Satu akun paling banyak memegang %(max)d pesanan aktif."),
            max=MAX_ACTIVE_BOOKINGS_PER_ACCOUNT,
        )
    _ensure_slots(service, day, hours, capacity)
    slot = Slot.objects.get(service=service, date=day, starts_at=starts_at)
    if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        raise _slot_full(starts_at, day)
    if not QueueDay.objects.filter(service=service, date=day, booked__lt=F("quota")).update(
        booked=F("booked") + 1
    ):
        raise DomainError(
            "quota_reached",
            _("Kuota pesanan %(service)s untuk %(date)s sudah habis. Pilih hari lain."),
            service=service.service.code,
            date=formats.date_format(day, "l, j F Y"),
        )
    booking = Booking.objects.create(
        code=new_code(),
        resident=resident,
        nik=nik,
        service=service,
        slot=slot,
        created_at=now,
        remind_at=remind_at_for(start, now),
        **extra,
    )
    _notify(booking, BOOKED_NOTICE)
    _schedule(booking, start)
    return booking


def _slot_full(starts_at: time, day: date) -> DomainError:
    return DomainError(
        "slot_full",
        _("Jam %(time)s pada %(date)s sudah penuh. Pilih jam lain."),
        time=starts_at.strftime("%H:%M"),
        date=formats.date_format(day, "l, j F Y"),
    )


def _give_back_place(booking: Booking) -> None:
    Slot.objects.filter(pk=booking.slot_id).update(booked=F("booked") - 1)
    QueueDay.objects.filter(service_id=booking.service_id, date=booking.slot.date).update(
        booked=F("booked") - 1
    )


def _lock_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot", "service__service", "resident")
        .get(pk=booking.pk)
    )


@transaction.atomic
def booking_cancel(*, booking: Booking, now: datetime | None = None) -> Booking:
    """The resident cancels; the place goes back to the slot for someone else."""
    now = now or timezone.now()
    locked = _lock_booking(booking)
    if locked.status != Booking.ACTIVE:
        raise DomainError(
            "not_active",
            _("Pesanan ini tidak dapat dibatalkan: statusnya “%(status)s”."),
            status=locked.get_status_display(),
        )
    if office_datetime(locked.slot.date, locked.slot.starts_at) <= now:
        raise DomainError(
            "cancel_too_late", _("Jam kunjungan sudah lewat; pesanan tidak dapat dibatalkan.")
        )
    _give_back_place(locked)
    locked.status, locked.closed_at = Booking.CANCELLED, now
    locked.save(update_fields=["status", "closed_at"])
    _touch_board(locked.service_id, locked.slot.date)
    return locked


@transaction.atomic
def bookings_cancel_in_window(
    *, starts: datetime, ends: datetime, reason: str, services=None, now: datetime | None = None
) -> list[Booking]:
    """The office cancels visits booked inside [starts, ends) — a disruption — and tells each
    resident why. Returns the cancelled bookings."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Tuliskan alasannya untuk warga."))
    if ends <= starts:
        raise DomainError("window_reversed", _("Waktu selesai harus sesudah waktu mulai."))
    candidates = Booking.objects.filter(
        status=Booking.ACTIVE,
        slot__date__gte=timezone.localtime(starts).date(),
        slot__date__lte=timezone.localtime(ends).date(),
    )
    if services is not None:
        candidates = candidates.filter(service__in=services)
    cancelled = []
    for booking in candidates.select_related("slot").order_by("pk"):
        if not starts <= office_datetime(booking.slot.date, booking.slot.starts_at) < ends:
            continue
        locked = _lock_booking(booking)
        if locked.status != Booking.ACTIVE:
            continue
        _give_back_place(locked)
        locked.status, locked.closed_at = Booking.CANCELLED, now
        locked.close_reason = reason[:REASON_MAX]
        locked.save(update_fields=["status", "closed_at", "close_reason"])
        _notify(locked, CANCELLED_BY_OFFICE_NOTICE, reason=locked.close_reason)
        cancelled.append(locked)
    return cancelled


@transaction.atomic
def booking_remind(*, booking_id: int, now: datetime | None = None) -> bool:
    """Send the reminder once (a retried task or the sweep must not send it twice), and only
    while the visit is still ahead: a late reminder would only confuse."""
    now = now or timezone.now()
    booking = (
        Booking.objects.filter(pk=booking_id, status=Booking.ACTIVE, reminded_at__isnull=True)
        .select_related("slot", "service__service", "resident")
        .first()
    )
    if booking is None or office_datetime(booking.slot.date, booking.slot.starts_at) <= now:
        return False
    claimed = Booking.objects.filter(pk=booking_id, reminded_at__isnull=True).update(
        reminded_at=now
    )
    if claimed:
        _notify(booking, REMINDER_NOTICE)
    return bool(claimed)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Reminders whose time has come but were not sent (no deferred task backend, or a worker
    that was down). Run by `manage.py queue_sweep`."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=Booking.ACTIVE, reminded_at__isnull=True, remind_at__lte=now
    ).values_list("pk", flat=True)
    return sum(booking_remind(booking_id=pk, now=now) for pk in list(due))


@transaction.atomic
def no_shows_release(*, now: datetime | None = None) -> int:
    """Booked visits not checked in within the grace period after their slot become no-shows
    (counted in the day's statistics; the NIK may book again)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = [
        booking.pk
        for booking in Booking.objects.filter(
            status=Booking.ACTIVE, slot__date__lte=today
        ).select_related("slot", "service")
        if office_datetime(booking.slot.date, booking.slot.starts_at)
        + timedelta(minutes=booking.service.grace_minutes)
        < now
    ]
    if not overdue:
        return 0
    return Booking.objects.filter(pk__in=overdue, status=Booking.ACTIVE).update(
        status=Booking.NO_SHOW, closed_at=now, close_reason="grace period passed"
    )


# --- at the office -----------------------------------------------------------------------------


def _next_number(service: QueueService, day: date) -> int:
    _ensure_day(service, day)
    QueueDay.objects.filter(service=service, date=day).update(
        last_number=F("last_number") + 1, board_version=F("board_version") + 1
    )
    return QueueDay.objects.filter(service=service, date=day).values_list("last_number", flat=True)[
        0
    ]


def _unused_ticket_code() -> str:
    while True:
        code = new_code()
        if not Ticket.objects.filter(code=code).exists():
            return code


@transaction.atomic
def walk_in_issue(*, service: QueueService, officer, now: datetime | None = None) -> Ticket:
    """The information desk gives a walk-in resident a numbered ticket ("C-017")."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    return Ticket.objects.create(
        service=service,
        date=day,
        number=_next_number(service, day),
        code=_unused_ticket_code(),
        issued_at=now,
        issued_by=officer,
    )


@transaction.atomic
def booking_check_in(*, code: str, officer, now: datetime | None = None) -> Ticket:
    """The information desk checks a booked visit in: it gets a ticket called at its time."""
    now = now or timezone.now()
    wanted = normalize_code(code)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot", "service__service")
        .filter(code=wanted)
        .first()
    )
    if booking is None:
        raise DomainError(
            "booking_not_found",
            _("Kode pesanan %(given)s tidak ditemukan. Periksa kembali hurufnya."),
            given=str(code or "").strip()[:20],
        )
    if booking.status == Booking.CHECKED_IN:
        raise DomainError(
            "already_checked_in",
            _("Pesanan ini sudah lapor; nomor antreannya %(ticket)s."),
            ticket=booking.ticket.label,
        )
    if booking.status != Booking.ACTIVE:
        raise DomainError(
            "booking_closed",
            _("Pesanan ini “%(status)s”. Beri warga nomor antrean biasa."),
            status=booking.get_status_display(),
        )
    day = timezone.localdate(now)
    if booking.slot.date != day:
        raise DomainError(
            "wrong_day",
            _("Pesanan ini untuk %(date)s, bukan hari ini."),
            date=_when(booking),
        )
    start = office_datetime(day, booking.slot.starts_at)
    if now > start + timedelta(minutes=booking.service.grace_minutes):
        raise DomainError(
            "too_late",
            _(
                "Terlambat lebih dari %(minutes)d menit dari jam %(time)s; jadwalnya dilepas. "
                "Beri warga nomor antrean biasa."
            ),
            minutes=booking.service.grace_minutes,
            time=booking.slot.starts_at.strftime("%H:%M"),
        )
    booking.status = Booking.CHECKED_IN
    booking.save(update_fields=["status"])
    return Ticket.objects.create(
        service=booking.service,
        date=day,
        number=_next_number(booking.service, day),
        code=booking.code,  # the code the resident already has leads to their ticket page
        booking=booking,
        due_at=start,
        issued_at=now,
        issued_by=officer,
    )


def _lock_counter(counter: Counter) -> Counter:
    return Counter.objects.select_for_update().get(pk=counter.pk)


def _refuse_if_busy(counter: Counter, day: date) -> None:
    busy = Ticket.objects.filter(counter=counter, date=day, status=Ticket.CALLED).first()
    if busy:
        raise DomainError(
            "counter_busy",
            _("Nomor %(ticket)s masih di loket ini: tandai selesai atau tidak hadir dulu."),
            ticket=busy.label,
        )


def _claim(ticket: Ticket, counter: Counter, officer, now: datetime) -> bool:
    claimed = Ticket.objects.filter(pk=ticket.pk, status=Ticket.WAITING).update(
        status=Ticket.CALLED, counter=counter, called_at=now, last_called_at=now, called_by=officer
    )
    if claimed:
        _touch_board(ticket.service_id, ticket.date)
    return bool(claimed)


@transaction.atomic
def ticket_call_next(*, counter: Counter, officer, now: datetime | None = None) -> Ticket:
    """Call the next ticket for this counter: booked visits whose time has come, then walk-ins
    in order, then booked visits that came early."""
    from counter_queue.selectors import waiting_in_call_order

    now = now or timezone.now()
    day = timezone.localdate(now)
    counter = _lock_counter(counter)
    _refuse_if_busy(counter, day)
    for ticket in waiting_in_call_order(counter.services.all(), day, now):
        if _claim(ticket, counter, officer, now):  # another counter may have taken it
            ticket.refresh_from_db()
            return ticket
    raise DomainError("nobody_waiting", _("Tidak ada yang menunggu untuk loket ini."))


def _already_called(ticket: Ticket) -> DomainError:
    if ticket.status == Ticket.CALLED:
        return DomainError(
            "already_called",
            _(
                "Nomor %(ticket)s sudah dipanggil di loket %(counter)s pukul %(time)s. "
                "Untuk memanggilnya lagi, pakai “Panggil ulang” di loket itu."
            ),
            ticket=ticket.label,
            counter=ticket.counter.number,
            time=timezone.localtime(ticket.called_at).strftime("%H:%M"),
        )
    return DomainError(
        "already_finished",
        _("Nomor %(ticket)s sudah selesai (%(status)s)."),
        ticket=ticket.label,
        status=ticket.get_status_display(),
    )


@transaction.atomic
def ticket_call(*, ticket: Ticket, counter: Counter, officer, now: datetime | None = None):
    """Call one particular waiting ticket (a resident who needs priority, for instance)."""
    now = now or timezone.now()
    counter = _lock_counter(counter)
    ticket = Ticket.objects.select_related("service", "counter").get(pk=ticket.pk)
    if ticket.status != Ticket.WAITING:
        raise _already_called(ticket)
    if ticket.date != timezone.localdate(now):
        raise DomainError("not_today", _("Nomor ini bukan antrean hari ini."))
    if not counter.services.filter(pk=ticket.service_id).exists():
        raise DomainError(
            "wrong_counter",
            _("Loket %(counter)s tidak melayani %(service)s."),
            counter=counter.number,
            service=ticket.service.service.code,
        )
    _refuse_if_busy(counter, ticket.date)
    if not _claim(ticket, counter, officer, now):
        raise _already_called(Ticket.objects.select_related("counter").get(pk=ticket.pk))
    ticket.refresh_from_db()
    return ticket


def _lock_called(ticket: Ticket, counter: Counter) -> Ticket:
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("service", "counter")
        .get(pk=ticket.pk)
    )
    if locked.status != Ticket.CALLED:
        raise DomainError(
            "not_called",
            _("Nomor %(ticket)s tidak sedang dipanggil (%(status)s)."),
            ticket=locked.label,
            status=locked.get_status_display(),
        )
    if locked.counter_id != counter.pk:
        raise DomainError(
            "other_counter",
            _("Nomor %(ticket)s dipanggil di loket %(counter)s, bukan di loket ini."),
            ticket=locked.label,
            counter=locked.counter.number,
        )
    return locked


@transaction.atomic
def ticket_recall(*, ticket: Ticket, counter: Counter, officer, now: datetime | None = None):
    """Call the same number again (the resident did not come up); the board shows it anew."""
    now = now or timezone.now()
    locked = _lock_called(ticket, counter)
    locked.recalls += 1
    locked.last_called_at = now
    locked.save(update_fields=["recalls", "last_called_at"])
    _touch_board(locked.service_id, locked.date)
    return locked


@transaction.atomic
def ticket_finish(
    *, ticket: Ticket, counter: Counter, officer, served: bool, now: datetime | None = None
) -> Ticket:
    """Mark a called ticket served, or a no-show when nobody came after the calls."""
    now = now or timezone.now()
    locked = _lock_called(ticket, counter)
    locked.status = Ticket.SERVED if served else Ticket.NO_SHOW
    locked.finished_at = now
    locked.save(update_fields=["status", "finished_at"])
    _touch_board(locked.service_id, locked.date)
    return locked
