"""Background work with the courier: price estimates, bookings (retried while the courier is
down) and cancellations. No resident waits on these calls.

A booking row is claimed with a conditional UPDATE so two workers never book it at once; the
storeOrderId (the row's idempotency key) makes a retry after a lost answer return the same
booking. `resume_bookings` (the `courier_resume` command) re-enqueues what is due.
"""

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from handover import courier_client, services
from handover.courier_client import CourierError, Place
from handover.models import CourierBooking, DeliveryChoice
from handover.places import office_origin, office_regency_name
from handover.signals import estimate_settled

STALE_CLAIM = timedelta(minutes=10)  # far longer than one call's timeout


@task()
def fetch_estimate(choice_id: int) -> str:
    choice = DeliveryChoice.objects.filter(
        pk=choice_id, estimate_state=DeliveryChoice.ESTIMATE_PENDING
    ).first()
    if choice is None:
        return "not pending"
    try:
        found = courier_client.estimate(
            origin=office_origin(), destination=choice.latlng, payment=choice.payment or "cash"
        )
    except CourierError as exc:
        settled = _same_address(choice).update(
            estimate_state=DeliveryChoice.ESTIMATE_FAILED,
            estimate_error="unavailable" if exc.retryable else "refused",
        )
        _tell(choice, settled)
        return "failed"
    settled = _same_address(choice).update(
        estimate_state=DeliveryChoice.ESTIMATE_READY, estimate_price=found.price
    )
    _tell(choice, settled)
    return "ready"


def _tell(choice: DeliveryChoice, settled: int) -> None:
    if settled:
        estimate_settled.send(sender=DeliveryChoice, choice_id=choice.pk)


def _same_address(choice: DeliveryChoice):
    """The choice, only while it still asks for this trip (a newer address has its own task)."""
    return DeliveryChoice.objects.filter(
        pk=choice.pk,
        estimate_state=DeliveryChoice.ESTIMATE_PENDING,
        latitude=choice.latitude,
        longitude=choice.longitude,
        payment=choice.payment,
    )


def _trip(booking: CourierBooking) -> tuple[Place, Place, str]:
    from django.conf import settings

    application = booking.application
    choice = application.delivery_choice
    village = choice.village
    address = ", ".join(
        part
        for part in (
            choice.street,
            f"Kel. {village.name}",
            f"Kec. {village.district.name}",
            office_regency_name(),
        )
        if part
    )
    origin = Place(
        name=settings.OFFICE_NAME,
        phone=getattr(settings, "COURIER_OFFICE_PHONE", "") or "+6254200000",
        address=f"{settings.OFFICE_NAME} (loket kurir)",
        latlng=office_origin(),
        note="Loket kurir: tunjukkan kode pesanan",
    )
    destination = Place(
        name=str(application.data.get("name") or "Pemohon"),
        phone=choice.phone,
        address=address,
        latlng=choice.latlng,
        note=choice.landmark,
    )
    item = f"Dokumen kependudukan {application.service.code} {application.registration_number}"
    return origin, destination, item


@task()
def book_courier(booking_id: int) -> str:
    now = timezone.now()
    claimed = CourierBooking.objects.filter(pk=booking_id, state=CourierBooking.QUEUED).update(
        state=CourierBooking.BOOKING, attempts=F("attempts") + 1, claimed_at=now, updated_at=now
    )
    if not claimed:
        return "not queued"
    booking = CourierBooking.objects.select_related(
        "application__service", "application__delivery_choice__village__district"
    ).get(pk=booking_id)
    origin, destination, item = _trip(booking)
    try:
        made = courier_client.book(
            store_order_id=str(booking.idempotency_key),
            origin=origin,
            destination=destination,
            item=item,
            payment=booking.payment or "cash",
        )
    except CourierError as exc:
        return services.booking_record_failure(
            booking_id=booking_id, error=str(exc), retryable=exc.retryable
        )
    return services.booking_record_made(
        booking_id=booking_id, order_no=made.order_no, remote_id=made.booking_id, price=made.price
    )


@task()
def cancel_booking(booking_id: int) -> str:
    """Tell the courier a booking is off (the resident took the card at the counter)."""
    booking = CourierBooking.objects.get(pk=booking_id)
    try:
        courier_client.cancel(booking.order_no)
    except CourierError as exc:
        CourierBooking.objects.filter(pk=booking_id).update(last_error=str(exc)[:200])
        return "failed"
    return "cancelled"


def resume_bookings(*, now=None) -> dict[str, int]:
    """Re-enqueue bookings that are due; claims older than STALE_CLAIM are taken back (their
    worker died). Safe at any time: the claim stops double work, storeOrderId duplicates."""
    now = now or timezone.now()
    reclaimed = CourierBooking.objects.filter(
        state=CourierBooking.BOOKING, claimed_at__lt=now - STALE_CLAIM
    ).update(state=CourierBooking.QUEUED, claimed_at=None, updated_at=now)
    due = list(
        CourierBooking.objects.filter(state=CourierBooking.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    for pk in due:
        book_courier.enqueue(pk)
    return {"reclaimed": reclaimed, "queued": len(due)}
