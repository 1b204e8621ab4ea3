import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeliveryChoice(models.Model):
    """How the resident wants the card: at the counter (with the pickup code) or by courier."""

    COUNTER, COURIER = "counter", "courier"
    METHODS = {COUNTER: _("Ambil di loket"), COURIER: _("Kirim kurir")}
    CASH, CASHLESS = "cash", "cashless"
    PAYMENTS = {CASH: _("Tunai kepada kurir"), CASHLESS: _("Non-tunai (GoPay) kepada kurir")}
    # Price estimate: asked by a background task (no network call while the resident waits).
    ESTIMATE_PENDING, ESTIMATE_READY, ESTIMATE_FAILED = "pending", "ready", "failed"

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="delivery_choice"
    )
    method = models.CharField(max_length=8, default=COUNTER)
    # Shown to the resident and typed or scanned at the pickup desk; unguessable, no NIK in it.
    pickup_code = models.CharField(max_length=8, unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)  # courier chosen and confirmed
    village = models.ForeignKey(
        "population.Village", on_delete=models.PROTECT, null=True, blank=True
    )
    street = models.CharField(max_length=200, blank=True)
    landmark = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    payment = models.CharField(max_length=8, blank=True)
    estimate_state = models.CharField(max_length=8, blank=True)
    estimate_price = models.PositiveIntegerField(null=True, blank=True)
    estimate_error = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.method} for application {self.application_id}"

    @property
    def latlng(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return f"{self.latitude},{self.longitude}"

    @property
    def method_label(self) -> str:
        return str(self.METHODS.get(self.method, self.method))

    @property
    def payment_label(self) -> str:
        return str(self.PAYMENTS.get(self.payment, self.payment))


class CourierBooking(models.Model):
    """One courier trip for one card, from "to be booked" to delivered or failed.

    Booking is retried in the background while the courier is down; the storeOrderId
    (`idempotency_key`) stops a retry after a lost answer from booking twice.
    """

    QUEUED = "queued"  # to be booked (again, after a failure the courier may fix)
    BOOKING = "booking"  # claimed by a worker
    BOOKED = "booked"  # the courier has it, finding a driver
    DRIVER_ASSIGNED = "driver"
    RELEASED = "released"  # the desk gave the envelope to the driver
    DELIVERED = "delivered"  # confirmed with the resident's handover code
    UNCONFIRMED = "unconfirmed"  # "delivered" without the right code: followed up
    FAILED = "failed"
    CANCELLED = "cancelled"
    ACTIVE = (QUEUED, BOOKING, BOOKED, DRIVER_ASSIGNED, RELEASED)
    LABELS = {
        QUEUED: _("Menunggu dipesan"),
        BOOKING: _("Sedang dipesan"),
        BOOKED: _("Kurir dipesan, mencari pengemudi"),
        DRIVER_ASSIGNED: _("Pengemudi menuju kantor"),
        RELEASED: _("Dalam perjalanan ke alamat Anda"),
        DELIVERED: _("Sudah diterima"),
        UNCONFIRMED: _("Diantar, belum dikonfirmasi"),
        FAILED: _("Gagal"),
        CANCELLED: _("Dibatalkan"),
    }

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="courier_bookings"
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=12, default=QUEUED, db_index=True)
    remote_id = models.CharField(max_length=40, blank=True)
    order_no = models.CharField(max_length=40, null=True, blank=True, unique=True)
    price = models.PositiveIntegerField(null=True, blank=True)
    payment = models.CharField(max_length=8, blank=True)
    driver_name = models.CharField(max_length=100, blank=True)
    driver_phone = models.CharField(max_length=20, blank=True)
    tracking_url = models.URLField(max_length=300, blank=True)
    remote_status = models.CharField(max_length=40, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    # Keyed hash of the one-time code the resident gives the driver; cleared once used.
    handover_code_hash = models.CharField(max_length=64, blank=True)
    needs_follow_up = models.BooleanField(default=False, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failures = models.PositiveSmallIntegerField(default=0)
    delay_notified = models.BooleanField(default=False)
    last_error = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    seen_event_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state__in=["queued", "booking", "booked", "driver", "released"]),
                name="one_active_courier_booking",
            )
        ]

    def __str__(self):
        return self.order_no or f"booking {self.pk}"

    @property
    def state_label(self) -> str:
        return str(self.LABELS.get(self.state, self.state))


class Handover(models.Model):
    """Who handed which card to whom, and when."""

    COUNTER = "counter"  # to the resident at the pickup desk, identity checked by NIK
    TO_DRIVER = "to_driver"  # to the courier's driver at the courier desk
    DELIVERED = "delivered"  # the driver to the resident (code checked, or office follow-up)
    FINAL = (COUNTER, DELIVERED)
    KINDS = {
        COUNTER: _("Diserahkan di loket"),
        TO_DRIVER: _("Diserahkan kepada pengemudi kurir"),
        DELIVERED: _("Diterima warga dari kurir"),
    }

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="handovers"
    )
    kind = models.CharField(max_length=10)
    booking = models.ForeignKey(
        CourierBooking, on_delete=models.PROTECT, null=True, blank=True, related_name="handovers"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    # Whom: the driver's name, or the resident as identified (masked NIK, never the full one).
    recipient = models.CharField(max_length=120)
    at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # The last line of defence against a card handed over twice (the row lock and the
            # lifecycle refuse it first).
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind__in=["counter", "delivered"]),
                name="card_handed_over_once",
            )
        ]

    def __str__(self):
        return f"{self.kind} of application {self.application_id}"

    @property
    def kind_label(self) -> str:
        return str(self.KINDS.get(self.kind, self.kind))
