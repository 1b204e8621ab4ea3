"""Reads for the handover pages: the resident's block, the desks, the envelope label."""

from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils.safestring import mark_safe

from applications import lifecycle
from applications.models import Application
from catalogue.models import CARD_SERVICES
from handover.models import CourierBooking, DeliveryChoice, Handover
from handover.services import LABEL_QR_PREFIX, normalize_code, normalize_pickup_code

# Where the resident may still pick or change how the card reaches them.
CHOOSABLE = {
    lifecycle.SUBMITTED,
    lifecycle.IN_VERIFICATION,
    lifecycle.NEEDS_FIX,
    lifecycle.RESUBMITTED,
    lifecycle.VERIFIED,
    lifecycle.SENT_TO_CENTRAL,
    lifecycle.APPROVED,
    lifecycle.REJECTED_BY_CENTRAL,
    lifecycle.PRINTED,
    lifecycle.READY_FOR_HANDOVER,
}
AT_OFFICE = {lifecycle.READY_FOR_HANDOVER}


def qr_svg(content: str, *, scale: int = 4) -> str:
    return mark_safe(segno.make(content, error="m").svg_inline(scale=scale))  # noqa: S308


@dataclass(frozen=True)
class HandoverBlock:
    application: Application
    is_card: bool
    choice: DeliveryChoice | None
    booking: CourierBooking | None
    handover: Handover | None
    can_choose: bool
    at_office: bool

    @property
    def courier_in_progress(self) -> bool:
        return self.booking is not None and self.booking.state in (
            *CourierBooking.ACTIVE,
            CourierBooking.UNCONFIRMED,
        )

    @property
    def pickup_qr(self) -> str:
        return qr_svg(self.choice.pickup_code) if self.choice else ""

    @property
    def pickup_code_display(self) -> str:
        code = self.choice.pickup_code if self.choice else ""
        return f"{code[:4]}-{code[4:]}" if code else ""


def handover_block(application: Application) -> HandoverBlock:
    is_card = application.service.code in CARD_SERVICES
    choice = DeliveryChoice.objects.filter(application=application).first()
    booking = application.courier_bookings.order_by("-created_at", "-id").first()
    handover = application.handovers.filter(kind__in=Handover.FINAL).first()
    locked = booking is not None and booking.state in (
        CourierBooking.BOOKING,
        CourierBooking.BOOKED,
        CourierBooking.DRIVER_ASSIGNED,
        CourierBooking.RELEASED,
    )
    return HandoverBlock(
        application=application,
        is_card=is_card,
        choice=choice,
        booking=booking,
        handover=handover,
        can_choose=is_card and application.status in CHOOSABLE and not locked,
        at_office=application.status in AT_OFFICE,
    )


def booking_by_code(code: str) -> CourierBooking | None:
    order_no = normalize_code(code)
    if not order_no:
        return None
    return (
        CourierBooking.objects.select_related("application__service", "application__village")
        .filter(order_no__iexact=order_no)
        .first()
    )


def choice_by_pickup_code(code: str) -> DeliveryChoice | None:
    pickup_code = normalize_pickup_code(code)
    if not pickup_code:
        return None
    return (
        DeliveryChoice.objects.select_related(
            "application__service", "application__village__district"
        )
        .filter(pickup_code=pickup_code)
        .first()
    )


def courier_desk_lists() -> dict:
    bookings = CourierBooking.objects.select_related("application__service")
    return {
        "waiting": bookings.filter(
            state__in=[CourierBooking.BOOKED, CourierBooking.DRIVER_ASSIGNED]
        ).order_by("created_at")[:100],
        "queued": bookings.filter(
            state__in=[CourierBooking.QUEUED, CourierBooking.BOOKING]
        ).order_by("created_at")[:100],
        "follow_up": bookings.filter(needs_follow_up=True).order_by("updated_at")[:100],
        "on_the_way": bookings.filter(state=CourierBooking.RELEASED).order_by("-updated_at")[:50],
    }


def label_context(booking: CourierBooking) -> dict:
    """What the envelope shows: the office, the booking code and its QR, the addressee and the
    desa/kecamatan. Never the NIK (the envelope passes through many hands)."""
    application = booking.application
    choice = application.delivery_choice
    return {
        "office_name": settings.OFFICE_NAME,
        "order_no": booking.order_no,
        "qr": qr_svg(LABEL_QR_PREFIX + booking.order_no, scale=3),
        "number": application.registration_number,
        "service": application.service.code,
        "recipient": str(application.data.get("name") or ""),
        "street": choice.street,
        "village": choice.village.name if choice.village else "",
        "district": choice.village.district.name if choice.village else "",
        "payment": choice.payment_label,
        "sample": False,
    }


def sample_label_context(choice: DeliveryChoice | None = None) -> dict:
    """The same label with sample data, shown to the resident before confirming."""
    return {
        "office_name": settings.OFFICE_NAME,
        "order_no": "GK-11-000000",
        "qr": qr_svg(LABEL_QR_PREFIX + "GK-11-000000", scale=3),
        "number": "KTP-000000-CONTOH",
        "service": "KTP",
        "recipient": "Nama Penerima",
        "street": "Jl. Contoh No. 1 RT 01",
        "village": choice.village.name if choice and choice.village else "Desa/Kelurahan",
        "district": (choice.village.district.name if choice and choice.village else "Kecamatan"),
        "payment": choice.payment_label if choice and choice.payment else "",
        "sample": True,
    }
