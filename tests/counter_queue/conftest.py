"""Builders for the queue tests: a fixed office clock on a working day, NIKs, bookings."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from counter_queue import services
from counter_queue.models import QueueService
from tests.conftest import load_reference_data


def nik(serial: int) -> str:
    """A valid Balikpapan Selatan NIK (a man born 1 July 1990) with its own serial."""
    return f"647105010790{serial:04d}"


def office_time(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, time(hour, minute)), timezone.get_default_timezone()
    )


def next_working_day(after):
    from workdays.calendar import WorkingCalendar

    return WorkingCalendar(after, after + timedelta(days=60)).next_working_day(after)


@pytest.fixture
def office_day(db):
    """A working day a little in the future, so the tests never depend on today's date."""
    return next_working_day(timezone.localdate() + timedelta(days=1))


@pytest.fixture
def clock(monkeypatch, office_day):
    """clock.set(hour, minute) fixes timezone.now() at that time of `office_day`."""

    class Clock:
        day = office_day
        now = office_time(office_day, 7, 30)

        def set(self, hour, minute=0, day=None):
            self.now = office_time(day or self.day, hour, minute)
            return self.now

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


def queue_service(code: str) -> QueueService:
    return QueueService.objects.select_related("service").get(service__code=code)


@pytest.fixture
def book(resident):
    """book("KTP", 9, 0, serial=1) → a booking on the clock's day made at the clock's time."""

    def build(code="KTP", hour=9, minute=0, *, serial=1, day=None, owner=None, now=None):
        return services.booking_create(
            resident=owner or resident,
            nik=nik(serial),
            service=queue_service(code),
            day=day or timezone.localdate(),
            starts_at=time(hour, minute),
            now=now,
        )

    return build


@pytest.fixture
def queue_reference(transactional_db):
    """A transactional test's flush empties what migrations loaded; load it again."""
    load_reference_data()
