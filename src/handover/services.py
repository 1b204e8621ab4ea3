"""Writes for getting a card into the resident's hands: the delivery choice, courier bookings and
their callbacks, the courier desk and the counter pickup. Each public function is one
transaction that completes or changes nothing; status changes go through lifecycle.transition.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.phone import normalize_phone
from applications import lifecycle
from applications.models import Application
from catalogue.models import CARD_SERVICES
from handover.models import CourierBooking, DeliveryChoice, Handover
from handover.places import office_regency_name, pin_in_office_area
from loket.errors import DomainError
from notifications.services import (
    application_message,
    channel_for,
    notify_application,
    queue_message,
)
from population.masking import mask_nik
from population.models import Village
from population.nik import Problem

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed
PICKUP_CODE_LENGTH = 8
HANDOVER_CODE_DIGITS = 6
LABEL_QR_PREFIX = "LOKET-KURIR:"  # what the envelope's QR holds before the booking code
# Once the courier has the booking, the choice is the courier's until it ends.
LOCKED_BOOKING_STATES = (
    CourierBooking.BOOKING,
    CourierBooking.BOOKED,
    CourierBooking.DRIVER_ASSIGNED,
    CourierBooking.RELEASED,
)
NOT_CHOOSABLE = lifecycle.FINISHED | {lifecycle.OUT_FOR_DELIVERY, lifecycle.DELIVERY_UNCONFIRMED}


def normalize_code(text: str) -> str:
    """A booking code as an officer typed it or a scanner sent it (the envelope's QR holds a
    prefix), upper-cased, without spaces."""
    text = str(text or "").strip().upper()
    if text.startswith(LABEL_QR_PREFIX):
        text = text[len(LABEL_QR_PREFIX) :]
    return "".join(ch for ch in text if ch.isalnum() or ch == "-")


def normalize_pickup_code(text: str) -> str:
    """A pickup code is shown as ABCD-EFGH; typed with or without the dash or spaces."""
    return normalize_code(text).replace("-", "")


def _new_pickup_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


def handover_code_hash(booking_id: int, code: str) -> str:
    """A keyed hash: a six-digit code under a plain hash would fall to a brute force."""
    message = f"handover:{booking_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("service", "resident")
        .get(pk=application.pk)
    )


def _choice_for(application: Application) -> DeliveryChoice:
    """The application's choice, created (counter, with a pickup code) on first need."""
    choice = DeliveryChoice.objects.filter(application=application).first()
    if choice:
        return choice
    for _attempt in range(5):  # a pickup code collision is astronomically rare; try again
        try:
            with transaction.atomic():
                return DeliveryChoice.objects.create(
                    application=application, pickup_code=_new_pickup_code()
                )
        except IntegrityError:
            choice = DeliveryChoice.objects.filter(application=application).first()
            if choice:
                return choice
    raise RuntimeError("could not draw a free pickup code")


@transaction.atomic
def choice_ensure(*, application: Application) -> DeliveryChoice:
    return _choice_for(application)


def _active_booking(application: Application) -> CourierBooking | None:
    return (
        CourierBooking.objects.select_for_update()
        .filter(application=application, state__in=CourierBooking.ACTIVE)
        .first()
    )


def _check_choosable(application: Application) -> None:
    if application.service.code not in CARD_SERVICES:
        raise DomainError(
            "not_a_card",
            _("Hanya kartu (KTP-el, KIA) yang dapat dikirim kurir; dokumen ini dicetak sendiri."),
        )
    if application.status in NOT_CHOOSABLE:
        raise DomainError(
            "choice_closed",
            _("Cara pengambilan tidak dapat diubah lagi: status permohonan “%(status)s”."),
            status=lifecycle.label(application.status),
        )
    booking = _active_booking(application)
    if booking and booking.state in LOCKED_BOOKING_STATES:
        raise DomainError(
            "courier_already_booked",
            _(
                "Kurir sudah dipesan (kode %(order)s). Untuk mengubahnya, hubungi kantor atau "
                "tunggu kurir datang."
            ),
            order=booking.order_no or "-",
        )


@transaction.atomic
def delivery_choose_counter(*, application: Application) -> DeliveryChoice:
    locked = _lock(application)
    _check_choosable(locked)
    choice = _choice_for(locked)
    booking = _active_booking(locked)
    if booking:  # still queued: the courier never had it
        booking.state = CourierBooking.CANCELLED
        booking.save(update_fields=["state", "updated_at"])
    choice.method = DeliveryChoice.COUNTER
    choice.confirmed_at = None
    choice.save(update_fields=["method", "confirmed_at", "updated_at"])
    return choice


def _address_problems(*, village_code, street, latitude, longitude, payment) -> list[Problem]:
    from population.selectors import office_villages

    problems = []
    regency = office_regency_name()
    if not office_villages().filter(code=str(village_code or "")).exists():
        problems.append(
            Problem(
                "outside_regency",
                _(
                    "Alamat di luar %(regency)s: kurir kantor hanya mengantar ke desa/kelurahan "
                    "di %(regency)s. Pilih ambil di loket, atau pilih desa/kelurahan dari daftar."
                ),
                {"regency": regency},
            )
        )
    if not str(street or "").strip():
        problems.append(
            Problem("street_required", _("Tulis nama jalan, nomor rumah dan RT/RW."), {})
        )
    if (latitude is None) != (longitude is None):
        problems.append(
            Problem("pin_incomplete", _("Titik peta perlu lintang dan bujur, atau kosongkan."), {})
        )
    elif latitude is not None:
        if not (Decimal(-90) <= latitude <= Decimal(90)) or not (
            Decimal(-180) <= longitude <= Decimal(180)
        ):
            problems.append(
                Problem(
                    "pin_out_of_range",
                    _("Titik peta tidak valid: lintang -90 s.d. 90, bujur -180 s.d. 180."),
                    {},
                )
            )
        elif not pin_in_office_area(latitude, longitude):
            problems.append(
                Problem(
                    "pin_outside_regency",
                    _(
                        "Titik peta berada di luar %(regency)s. Periksa titiknya (lintang dan "
                        "bujur mungkin tertukar), atau kosongkan."
                    ),
                    {"regency": regency},
                )
            )
    if payment not in DeliveryChoice.PAYMENTS:
        problems.append(
            Problem(
                "payment_required", _("Pilih cara bayar ongkos kirim: tunai atau non-tunai."), {}
            )
        )
    return problems


@transaction.atomic
def courier_address_set(
    *,
    application: Application,
    village_code: str,
    street: str,
    landmark: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    phone: str,
    payment: str,
) -> DeliveryChoice:
    """Save where the courier should go and ask the courier for a price in the background.
    Courier delivery is chosen only when the resident confirms (courier_confirm)."""
    locked = _lock(application)
    _check_choosable(locked)
    problems = _address_problems(
        village_code=village_code,
        street=street,
        latitude=latitude,
        longitude=longitude,
        payment=payment,
    )
    try:
        phone = normalize_phone(phone)
    except DomainError as error:
        problems.extend(error.problems)
    if problems:
        raise DomainError(problems=problems)
    choice = _choice_for(locked)
    choice.village = Village.objects.get(code=village_code)
    choice.street = street.strip()[:200]
    choice.landmark = (landmark or "").strip()[:200]
    choice.latitude, choice.longitude = latitude, longitude
    choice.phone = phone
    choice.payment = payment
    choice.estimate_state = DeliveryChoice.ESTIMATE_PENDING
    choice.estimate_price = None
    choice.estimate_error = ""
    choice.save()
    from handover.tasks import fetch_estimate

    transaction.on_commit(lambda: fetch_estimate.enqueue(choice.pk))
    return choice


@transaction.atomic
def courier_confirm(*, application: Application) -> DeliveryChoice:
    """The resident confirms courier delivery to the saved address. A card already ready is
    booked at once (in the background); otherwise when it becomes ready."""
    locked = _lock(application)
    _check_choosable(locked)
    choice = _choice_for(locked)
    if not (choice.village_id and choice.street and choice.phone and choice.payment):
        raise DomainError("address_missing", _("Isi alamat pengiriman terlebih dahulu."))
    choice.method = DeliveryChoice.COURIER
    choice.confirmed_at = timezone.now()
    choice.save(update_fields=["method", "confirmed_at", "updated_at"])
    if locked.status == lifecycle.READY_FOR_HANDOVER and not _active_booking(locked):
        _queue_booking(locked, choice)
    return choice


def _queue_booking(application: Application, choice: DeliveryChoice) -> CourierBooking:
    booking = CourierBooking.objects.create(application=application, payment=choice.payment)
    from handover.tasks import book_courier

    transaction.on_commit(lambda: book_courier.enqueue(booking.pk))
    return booking


def card_became_ready(application: Application) -> None:
    """Called in the transaction that moves an application to "ready for handover": make sure
    it has a pickup code, and book the courier when the resident asked for one."""
    choice = _choice_for(application)
    if (
        choice.method == DeliveryChoice.COURIER
        and choice.confirmed_at
        and application.service.code in CARD_SERVICES
        and not _active_booking(application)
    ):
        _queue_booking(application, choice)


# --- background booking results ------------------------------------------------------------


def _lock_booking(booking_id: int) -> CourierBooking:
    """The booking and its application, locked application first (the order every writer
    here uses, so a callback and a desk never wait on each other in a circle)."""
    application_id = CourierBooking.objects.values_list("application_id", flat=True).get(
        pk=booking_id
    )
    application = _lock(Application(pk=application_id))
    booking = CourierBooking.objects.select_for_update().get(pk=booking_id)
    booking.application = application
    return booking


@transaction.atomic
def booking_record_made(*, booking_id: int, order_no: str, remote_id: str, price) -> str:
    booking = _lock_booking(booking_id)
    if booking.state != CourierBooking.BOOKING:
        return "not mine"  # reclaimed as stale; the same storeOrderId gave the same booking
    booking.state = CourierBooking.BOOKED
    booking.order_no, booking.remote_id, booking.price = order_no, remote_id, price
    booking.last_error, booking.claimed_at, booking.next_attempt_at = "", None, None
    booking.save()
    return "booked"


def backoff(failures: int) -> timedelta:
    seconds = 60 * 2 ** max(failures - 1, 0)
    return timedelta(seconds=min(seconds, 1800))


@transaction.atomic
def booking_record_failure(*, booking_id: int, error: str, retryable: bool) -> str:
    """A failed booking call: retry later (and tell the resident once), or give up when the
    courier refused the trip itself."""
    booking = _lock_booking(booking_id)
    if booking.state != CourierBooking.BOOKING:
        return "not mine"
    booking.last_error = error[:200]
    booking.claimed_at = None
    application = booking.application
    if retryable:
        booking.state = CourierBooking.QUEUED
        booking.failures += 1
        booking.next_attempt_at = timezone.now() + backoff(booking.failures)
        if not booking.delay_notified:
            booking.delay_notified = True
            notify_application(application, "courier_delayed")
        booking.save()
        retry_at, pk = booking.next_attempt_at, booking.pk
        transaction.on_commit(lambda: _enqueue_retry(pk, retry_at))
        return "retry"
    booking.state = CourierBooking.FAILED
    booking.failure_reason = str(_("kurir tidak melayani alamat ini"))
    booking.next_attempt_at = None
    booking.save()
    _back_to_counter(application)
    notify_application(application, "delivery_failed", _note(booking.failure_reason, application))
    return "failed"


def _enqueue_retry(booking_id: int, when) -> None:
    from handover.tasks import book_courier

    if book_courier.get_backend().supports_defer:
        book_courier.using(run_after=when).enqueue(booking_id)
    # Otherwise (the tests' immediate backend) resume_bookings() picks it up.


def _note(text, application) -> str:
    """A note in the resident's language (notices are rendered in it)."""
    with translation.override(application.resident.preferred_language or "id"):
        return str(text)


def _back_to_counter(application: Application) -> None:
    DeliveryChoice.objects.filter(application=application).update(
        method=DeliveryChoice.COUNTER, confirmed_at=None, updated_at=timezone.now()
    )


# --- courier callbacks ---------------------------------------------------------------------

DRIVER_FOUND, PICKED_UP, COMPLETED = "OUT_FOR_PICKUP", "OUT_FOR_DELIVERY", "COMPLETED"
FAILURES = {"CANCELLED", "NO_DRIVER", "REJECTED"}
FINAL_BOOKING_STATES = (CourierBooking.DELIVERED, CourierBooking.FAILED, CourierBooking.CANCELLED)


@transaction.atomic
def courier_event_record(*, payload: dict) -> str:
    """Apply one status webhook. Duplicates and late, out-of-order events change nothing;
    raises CourierBooking.DoesNotExist for a booking we never made."""
    order_no = str(payload.get("entity_id") or "")
    booking = _lock_booking(CourierBooking.objects.get(order_no=order_no).pk)
    application = booking.application
    event_id = str(payload.get("event_id") or "")
    if event_id and event_id in booking.seen_event_ids:
        return "duplicate"
    if event_id:
        booking.seen_event_ids = [*booking.seen_event_ids, event_id][-50:]
    kind = str(payload.get("type") or "")
    booking.remote_status = str(payload.get("status") or kind)[:40]
    for field, key in (
        ("driver_name", "driver_name"),
        ("driver_phone", "driver_phone"),
        ("tracking_url", "live_tracking_url"),
    ):
        value = str(payload.get(key) or "").strip()
        if value and booking.state not in FINAL_BOOKING_STATES:
            setattr(booking, field, value[: CourierBooking._meta.get_field(field).max_length])
    outcome = "recorded"
    if booking.state in FINAL_BOOKING_STATES:
        outcome = "ignored"
    elif kind == DRIVER_FOUND and booking.state == CourierBooking.BOOKED:
        booking.state = CourierBooking.DRIVER_ASSIGNED
    elif kind == COMPLETED:
        outcome = _delivered(booking, application, str(payload.get("handover_code") or ""))
    elif kind in FAILURES and booking.state != CourierBooking.UNCONFIRMED:
        reason = str(payload.get("cancellation_reason") or kind)[:200]
        outcome = _failed(booking, application, reason)
    booking.save()
    return outcome


def _delivered(booking: CourierBooking, application: Application, code: str) -> str:
    if booking.state not in (CourierBooking.RELEASED, CourierBooking.UNCONFIRMED):
        # The courier says delivered but the desk never released the card: someone must look.
        booking.needs_follow_up = True
        booking.last_error = "COMPLETED sebelum kartu diserahkan di loket kurir"
        return "follow_up"
    right = bool(booking.handover_code_hash) and hmac.compare_digest(
        handover_code_hash(booking.pk, code.strip()), booking.handover_code_hash
    )
    if right:
        booking.state = CourierBooking.DELIVERED
        booking.handover_code_hash = ""  # one-time
        booking.needs_follow_up = False
        Handover.objects.create(
            application=application,
            kind=Handover.DELIVERED,
            booking=booking,
            recipient=_resident_label(application),
            at=timezone.now(),
            note=f"{booking.order_no}: kode serah terima cocok",
        )
        _hand_over(application, data={"booking": booking.order_no})
        return "delivered"
    if booking.state == CourierBooking.UNCONFIRMED:
        return "still_unconfirmed"
    booking.state = CourierBooking.UNCONFIRMED
    booking.needs_follow_up = True
    lifecycle.transition(
        application,
        lifecycle.DELIVERY_UNCONFIRMED,
        notify=False,
        data={"booking": booking.order_no, "code_given": bool(code)},
    )
    notify_application(application, "delivery_unconfirmed")
    return "unconfirmed"


def _failed(booking: CourierBooking, application: Application, reason: str) -> str:
    released = booking.state == CourierBooking.RELEASED
    booking.state = CourierBooking.FAILED
    booking.failure_reason = reason
    booking.handover_code_hash = ""
    _back_to_counter(application)
    if released and application.status == lifecycle.OUT_FOR_DELIVERY:
        # The driver brings the envelope back: the card is counter stock again.
        lifecycle.transition(
            application,
            lifecycle.READY_FOR_HANDOVER,
            notify=False,
            note=reason,
            data={"booking": booking.order_no, "delivery_failed": True},
        )
    notify_application(application, "delivery_failed", reason)
    return "failed"


def _hand_over(application: Application, **event) -> None:
    """The card is in the resident's hands: the last status, and the satisfaction survey's
    invitation in the same transaction."""
    from feedback.services import survey_invite

    lifecycle.transition(application, lifecycle.HANDED_OVER, **event)
    survey_invite(application=application)


def _resident_label(application: Application) -> str:
    name = str(application.data.get("name") or "").strip()
    return f"{name} (NIK {mask_nik(application.nik)})".strip()[:120]


# --- courier desk --------------------------------------------------------------------------


def _desk_booking(code: str) -> CourierBooking:
    order_no = normalize_code(code)
    booking = CourierBooking.objects.filter(order_no__iexact=order_no).first() if order_no else None
    if booking is None:
        raise DomainError(
            "unknown_booking",
            _("Kode pesanan “%(entered)s” tidak dikenal. Periksa kode di aplikasi pengemudi."),
            entered=str(code or "").strip()[:40],
        )
    return _lock_booking(booking.pk)


@transaction.atomic
def courier_release(*, code: str, officer) -> tuple[Handover, CourierBooking]:
    """Give the envelope to the driver of booking `code`; the resident gets the one-time
    handover code with the "on the way" notice."""
    booking = _desk_booking(code)
    application = booking.application
    if booking.state == CourierBooking.RELEASED or application.status != (
        lifecycle.READY_FOR_HANDOVER
    ):
        raise DomainError(
            "already_released",
            _("Kartu untuk pesanan %(order)s sudah tidak di loket (status: %(status)s)."),
            order=booking.order_no,
            status=lifecycle.label(application.status),
        )
    if booking.state not in (CourierBooking.BOOKED, CourierBooking.DRIVER_ASSIGNED):
        raise DomainError(
            "booking_not_active",
            _("Pesanan %(order)s tidak aktif (%(state)s); kartu tidak boleh diserahkan."),
            order=booking.order_no,
            state=booking.state_label,
        )
    if not booking.driver_name:
        raise DomainError(
            "no_driver_yet",
            _(
                "Belum ada pengemudi untuk pesanan %(order)s. Kartu hanya diserahkan kepada "
                "pengemudi yang ditugaskan kurir."
            ),
            order=booking.order_no,
        )
    code_for_resident = "".join(secrets.choice("0123456789") for _ in range(HANDOVER_CODE_DIGITS))
    booking.handover_code_hash = handover_code_hash(booking.pk, code_for_resident)
    booking.state = CourierBooking.RELEASED
    booking.save()
    handover = Handover.objects.create(
        application=application,
        kind=Handover.TO_DRIVER,
        booking=booking,
        officer=officer,
        recipient=f"{booking.driver_name} ({booking.driver_phone})"[:120],
        at=timezone.now(),
        note=booking.order_no,
    )
    lifecycle.transition(
        application,
        lifecycle.OUT_FOR_DELIVERY,
        actor=officer,
        notify=False,  # the notice carries the code and must not land on the timeline
        data={"booking": booking.order_no, "driver": booking.driver_name},
    )
    _send_handover_code(application, code_for_resident)
    return handover, booking


def _send_handover_code(application: Application, code: str) -> None:
    phone = application.resident.phone
    if not phone:
        return
    with translation.override(application.resident.preferred_language or "id"):
        body = application_message(application, "out_for_delivery", code)
    queue_message(
        recipient=phone,
        body=body,
        application=application,
        sensitive=True,  # wiped once delivered, never re-sent by an officer
        channel=channel_for(application),
    )


@transaction.atomic
def delivery_follow_up(*, booking: CourierBooking, officer, received: bool, note: str) -> str:
    """The office's answer to a "delivered, unconfirmed": the resident confirmed receipt (by
    phone), or the card did not arrive and comes back to the counter."""
    note = (note or "").strip()
    if not note:
        raise DomainError("note_required", _("Tulis hasil tindak lanjut (siapa dihubungi, kapan)."))
    booking = _lock_booking(booking.pk)
    application = booking.application
    if booking.state != CourierBooking.UNCONFIRMED:
        raise DomainError("not_unconfirmed", _("Pengiriman ini tidak perlu ditindaklanjuti lagi."))
    booking.needs_follow_up = False
    if received:
        booking.state = CourierBooking.DELIVERED
        booking.handover_code_hash = ""
        booking.save()
        Handover.objects.create(
            application=application,
            kind=Handover.DELIVERED,
            booking=booking,
            officer=officer,
            recipient=_resident_label(application),
            at=timezone.now(),
            note=note[:200],
        )
        _hand_over(application, actor=officer, note=note[:200])
        return "handed_over"
    booking.state = CourierBooking.FAILED
    booking.failure_reason = note[:200]
    booking.handover_code_hash = ""
    booking.save()
    _back_to_counter(application)
    lifecycle.transition(
        application, lifecycle.READY_FOR_HANDOVER, actor=officer, notify=False, note=note[:200]
    )
    notify_application(application, "delivery_failed", note[:200])
    return "back_to_counter"


# --- counter pickup ------------------------------------------------------------------------


@transaction.atomic
def counter_handover(*, code: str, nik: str, officer) -> Handover:
    """Hand the card to the resident who shows the pickup code and whose NIK the officer typed
    from their identity document. A second handover is refused."""
    pickup_code = normalize_pickup_code(code)
    choice = DeliveryChoice.objects.filter(pickup_code=pickup_code).first() if pickup_code else None
    if choice is None:
        raise DomainError(
            "unknown_pickup_code",
            _("Kode pengambilan “%(entered)s” tidak dikenal. Periksa lagi kode pada pesan warga."),
            entered=str(code or "").strip()[:20],
        )
    application = _lock(choice.application)
    done = application.handovers.filter(kind__in=Handover.FINAL).first()
    if done or application.status == lifecycle.HANDED_OVER:
        raise DomainError(
            "already_handed_over",
            _("Kartu ini sudah diserahkan pada %(at)s; tidak dapat diserahkan dua kali."),
            at=formats.date_format(timezone.localtime(done.at), "j F Y H:i") if done else "-",
        )
    if application.status != lifecycle.READY_FOR_HANDOVER:
        raise DomainError(
            "not_at_counter",
            _("Kartu belum ada di loket (status: %(status)s)."),
            status=lifecycle.label(application.status),
        )
    typed = "".join(ch for ch in str(nik or "") if ch.isdigit())
    if len(typed) != 16 or not hmac.compare_digest(typed, application.nik):
        raise DomainError(
            "nik_mismatch",
            _("NIK tidak cocok dengan pemohon. Periksa KTP/KK pengambil; kartu tidak diserahkan."),
        )
    booking = _active_booking(application)
    if booking:  # the resident came in person before the courier: call the courier off
        booking.state = CourierBooking.CANCELLED
        booking.save(update_fields=["state", "updated_at"])
        if booking.order_no:
            from handover.tasks import cancel_booking

            transaction.on_commit(lambda: cancel_booking.enqueue(booking.pk))
    handover = Handover.objects.create(
        application=application,
        kind=Handover.COUNTER,
        officer=officer,
        recipient=_resident_label(application),
        at=timezone.now(),
    )
    _hand_over(application, actor=officer)
    return handover
