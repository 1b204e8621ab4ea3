"""A declared disruption cancels the counter visits booked inside its window, with a notice."""

import pytest

from notifications.models import OutboxMessage
from tests.counter_queue.conftest import office_time
from workdays import disruptions

pytestmark = pytest.mark.django_db


def test_visits_booked_inside_the_window_are_cancelled_with_a_notice(clock, book, sms_gateway):
    from catalogue.models import Service
    from counter_queue.models import Booking

    inside = book("KTP", 9, 0, serial=1)
    after = book("KTP", 13, 0, serial=2)
    other_service = book("KK", 9, 0, serial=3)
    disruptions.disruption_declare(
        kind="power",
        description="Listrik padam",
        starts_at=office_time(clock.day, 8),
        ends_at=office_time(clock.day, 12),
        services=[Service.objects.get(code="KTP")],
    )
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses[inside.pk] == Booking.CANCELLED
    assert statuses[after.pk] == statuses[other_service.pk] == Booking.ACTIVE
    assert OutboxMessage.objects.filter(body__contains="Listrik padam").count() == 1
