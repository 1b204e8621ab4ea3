"""The counter queue: office hours, bookable visit slots, walk-in and booked tickets, counters.

Capacity is kept in counter rows (`Slot.booked`, `QueueDay.booked`) that services raise with a
conditional UPDATE (`... WHERE booked < capacity`): on PostgreSQL the row lock makes a second
writer re-check the condition after the first commits; on SQLite writers queue on BEGIN
IMMEDIATE. Check constraints stop an over-full slot even if a future code path forgets.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    (0, _("Senin")),
    (1, _("Selasa")),
    (2, _("Rabu")),
    (3, _("Kamis")),
    (4, _("Jumat")),
    (5, _("Sabtu")),
    (6, _("Minggu")),
]


class OpeningHours(models.Model):
    """When visits can be booked on a weekday (working days only: see workdays.calendar)."""

    weekday = models.PositiveSmallIntegerField(_("hari"), choices=WEEKDAYS, unique=True)
    opens_at = models.TimeField(_("buka"))
    closes_at = models.TimeField(_("tutup"))
    slot_minutes = models.PositiveSmallIntegerField(_("lama satu slot (menit)"), default=30)

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("jam layanan antrean")
        verbose_name_plural = _("jam layanan antrean")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="queue_hours_close_after_open"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5) & Q(slot_minutes__lte=240),
                name="queue_slot_minutes_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class QueueService(models.Model):
    """How a catalogue service is queued: its ticket letter, daily quota and slot capacity."""

    service = models.OneToOneField(
        "catalogue.Service", on_delete=models.CASCADE, related_name="queue"
    )
    letter = models.CharField(_("huruf antrean"), max_length=1, unique=True)
    daily_quota = models.PositiveSmallIntegerField(_("kuota pesan per hari"), default=40)
    visits_per_counter = models.PositiveSmallIntegerField(
        _("kunjungan per loket per slot"), default=2
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("batas terlambat (menit)"),
        default=15,
        help_text=_("Pesanan yang belum lapor sekian menit setelah jamnya dianggap tidak hadir."),
    )
    bookable = models.BooleanField(_("dapat dipesan daring"), default=True)

    class Meta:
        ordering = ["letter"]
        verbose_name = _("layanan antrean")
        verbose_name_plural = _("layanan antrean")

    def __str__(self):
        return f"{self.letter} — {self.service.code}"


class Counter(models.Model):
    """A numbered counter (loket) and the services its officer handles."""

    number = models.PositiveSmallIntegerField(_("nomor loket"), unique=True)
    services = models.ManyToManyField(QueueService, related_name="counters")
    active = models.BooleanField(_("buka"), default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("loket")
        verbose_name_plural = _("loket")

    def __str__(self):
        return f"Loket {self.number}"


class QueueDay(models.Model):
    """One service on one day: bookings taken against the quota, the last ticket number
    issued, and a version the display board compares to know whether anything changed."""

    service = models.ForeignKey(QueueService, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    quota = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)
    last_number = models.PositiveIntegerField(default=0)
    board_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "date"], name="queue_one_day_per_service"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("quota")), name="queue_day_within_quota"
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.service.letter} {self.date}"


class Slot(models.Model):
    """A bookable time of one service on one day."""

    service = models.ForeignKey(QueueService, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["date", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "date", "starts_at"], name="queue_one_slot_per_time"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="queue_slot_within_capacity"
            ),
        ]

    def __str__(self):
        return f"{self.service.letter} {self.date} {self.starts_at:%H:%M}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class Booking(models.Model):
    ACTIVE, CHECKED_IN, CANCELLED, NO_SHOW = "active", "checked_in", "cancelled", "no_show"
    STATUSES = [
        (ACTIVE, _("Terjadwal")),
        (CHECKED_IN, _("Sudah lapor")),
        (CANCELLED, _("Dibatalkan")),
        (NO_SHOW, _("Tidak hadir")),
    ]

    code = models.CharField(max_length=8, unique=True)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="queue_bookings"
    )
    nik = models.CharField(max_length=16)
    service = models.ForeignKey(QueueService, on_delete=models.PROTECT, related_name="bookings")
    variant = models.ForeignKey(
        "catalogue.Variant", on_delete=models.PROTECT, null=True, blank=True
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_bookings",
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=12, choices=STATUSES, default=ACTIVE)
    channel = models.CharField(max_length=16, default="web")
    created_at = models.DateTimeField()
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Hoarding is what emptied Berlin's slots: one open booking per person per service.
            models.UniqueConstraint(
                fields=["nik", "service"],
                condition=Q(status="active"),
                name="queue_one_active_booking_per_nik",
            )
        ]
        indexes = [models.Index(fields=["status", "remind_at"])]

    def __str__(self):
        return f"booking {self.code}"

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


class Ticket(models.Model):
    WAITING, CALLED, SERVED, NO_SHOW = "waiting", "called", "served", "no_show"
    STATUSES = [
        (WAITING, _("Menunggu")),
        (CALLED, _("Dipanggil")),
        (SERVED, _("Selesai dilayani")),
        (NO_SHOW, _("Tidak hadir")),
    ]

    service = models.ForeignKey(QueueService, on_delete=models.PROTECT, related_name="tickets")
    date = models.DateField()
    number = models.PositiveIntegerField()
    # Opaque code on the slip for the resident's "how many are ahead" page; the number
    # ("C-017") is easy to guess, the code is not.
    code = models.CharField(max_length=8, unique=True)
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    due_at = models.DateTimeField(null=True, blank=True)  # a booked visit's slot start
    status = models.CharField(max_length=10, choices=STATUSES, default=WAITING)
    issued_at = models.DateTimeField()  # walk-in issued or booked visit checked in
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    last_called_at = models.DateTimeField(null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(default=0)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "service", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "date", "number"], name="queue_one_ticket_number_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["date", "status"]),
            # The display board: the last numbers called, and each counter's latest.
            models.Index(fields=["date", "last_called_at"]),
            models.Index(fields=["counter", "date", "last_called_at"]),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.service.letter}-{self.number:03d}"
