"""Simultaneous bookings and calls against the real database: places are never oversold, one
NIK never holds two bookings, two counters never call the same ticket."""

import threading
from datetime import time

import pytest
from django.db import connection

from accounts.models import User
from counter_queue import services
from counter_queue.models import Booking, Counter, QueueDay, Slot, Ticket
from loket.errors import DomainError
from tests.counter_queue.conftest import nik, queue_service

# Runs on both databases: SQLite writers queue on BEGIN IMMEDIATE (WAL file, settings_test);
# PostgreSQL re-checks the conditional UPDATEs after the row lock is released.
pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def run_together(count, work):
    start = threading.Barrier(count)
    outcomes = []

    def run(index):
        try:
            start.wait()
            outcomes.append(work(index))
        except DomainError as error:
            outcomes.append(error.problems[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def residents(count):
    return [
        User.objects.create(username=f"+62812000{i:05d}", phone=f"+62812000{i:05d}")
        for i in range(count)
    ]


def test_simultaneous_bookings_never_oversell_a_slot(queue_reference, clock):
    people = residents(THREADS)
    ktp = queue_service("KTP")

    def book(i):
        services.booking_create(
            resident=people[i], nik=nik(100 + i), service=ktp, day=clock.day, starts_at=time(9, 0)
        )
        return "booked"

    outcomes = run_together(THREADS, book)
    assert outcomes.count("booked") == 4  # 2 counters x 2 visits
    assert outcomes.count("slot_full") == THREADS - 4
    assert Booking.objects.count() == 4
    assert Slot.objects.get(starts_at=time(9, 0)).booked == 4
    assert QueueDay.objects.get().booked == 4


def test_simultaneous_bookings_never_pass_the_daily_quota(queue_reference, clock):
    ktp = queue_service("KTP")
    ktp.daily_quota = 3
    ktp.save()
    people = residents(THREADS)

    def book(i):
        services.booking_create(
            resident=people[i],
            nik=nik(200 + i),
            service=ktp,
            day=clock.day,
            starts_at=time(8 + i % 6, 0),
        )
        return "booked"

    outcomes = run_together(THREADS, book)
    assert outcomes.count("booked") == 3
    assert QueueDay.objects.get().booked == 3
    assert sum(Slot.objects.values_list("booked", flat=True)) == 3


def test_one_nik_booked_twice_at_the_same_instant_gets_one_booking(queue_reference, clock):
    people = residents(4)
    ktp = queue_service("KTP")

    def book(i):
        services.booking_create(
            resident=people[i], nik=nik(7), service=ktp, day=clock.day, starts_at=time(8 + i, 0)
        )
        return "booked"

    outcomes = run_together(4, book)
    assert outcomes.count("booked") == 1
    assert set(outcomes) - {"booked"} <= {"already_booked", "already_booked_now"}
    assert Booking.objects.filter(status=Booking.ACTIVE).count() == 1
    assert sum(Slot.objects.values_list("booked", flat=True)) == 1


def test_two_counters_never_call_the_same_ticket(queue_reference, clock):
    officer = User.objects.create(username="officer", is_staff=True)
    clock.set(8, 30)
    only = services.walk_in_issue(service=queue_service("KTP"), officer=officer)
    counters = [Counter.objects.get(number=1), Counter.objects.get(number=2)]

    def call(i):
        return services.ticket_call_next(counter=counters[i], officer=officer).pk

    outcomes = run_together(2, call)
    assert sorted(outcomes, key=str) == sorted([only.pk, "nobody_waiting"], key=str)
    only.refresh_from_db()
    assert only.status == Ticket.CALLED
