"""`{% recording_booking application %}` on the resident's application page: a KTP-el PEMULA
applicant books the in-person biometric recording (or sees the visit already booked)."""

from django import template

from counter_queue.models import Booking

register = template.Library()


@register.inclusion_tag("counter_queue/_recording_booking.html")
def recording_booking(application):
    variant = application.variant
    if variant is None or not variant.in_person_required:
        return {"show": False}
    booking = (
        Booking.objects.filter(
            application=application, status__in=[Booking.ACTIVE, Booking.CHECKED_IN]
        )
        .select_related("slot")
        .order_by("-created_at")
        .first()
    )
    return {
        "show": True,
        "application": application,
        "booking": booking,
        "reason": variant.t.in_person_reason,
    }
