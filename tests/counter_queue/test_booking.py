"""Booking a visit from the web: slots, quota, one active booking per NIK, cancel, notices."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from counter_queue import services
from counter_queue.models import Booking, QueueDay, Slot
from loket.errors import DomainError
from notifications.models import OutboxMessage
from tests.counter_queue.conftest import nik, office_time, queue_service

pytestmark = pytest.mark.django_db

BOOK = reverse("counter_queue:book")


def post_booking(client, day, at="09:00", serial=1, service="A"):
    return client.post(
        BOOK, {"service": service, "date": day.isoformat(), "time": at, "nik": nik(serial)}
    )


def test_it_shows_free_slots_and_books_one(resident_client, resident, clock):
    page = resident_client.get(BOOK, {"service": "A", "date": clock.day.isoformat()})
    assert page.status_code == 200
    text = page.content.decode()
    assert "08:00–08:30" in text and "13:30–14:00" in text
    assert "sisa 4 tempat" in text  # 2 counters serve KTP, 2 visits each per slot

    response = post_booking(resident_client, clock.day)
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("counter_queue:booking", args=[booking.code])
    assert len(booking.code) == 8 and booking.status == Booking.ACTIVE
    assert booking.slot.starts_at == time(9, 0) and booking.slot.booked == 1
    assert QueueDay.objects.get(date=clock.day).booked == 1
    notice = OutboxMessage.objects.get()
    assert notice.recipient == resident.phone
    assert booking.display_code in notice.body and "09:00" in notice.body

    detail = resident_client.get(response["Location"])
    assert booking.display_code in detail.content.decode()
    assert (
        "sisa 3 tempat"
        in resident_client.get(
            BOOK, {"service": "A", "date": clock.day.isoformat()}
        ).content.decode()
    )


def test_a_bad_nik_is_refused_with_the_reason(resident_client, clock):
    response = resident_client.post(
        BOOK, {"service": "A", "date": clock.day.isoformat(), "time": "09:00", "nik": "12345"}
    )
    assert response.status_code == 400
    assert "NIK harus 16 angka" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("at", ["07:30", "14:00", "09:10", "16:00"])
def test_booking_outside_office_hours_is_refused(resident_client, clock, at):
    response = post_booking(resident_client, clock.day, at)
    assert response.status_code == 400
    assert "bukan jam pemesanan. Jam layanan 08:00–14:00" in response.content.decode()
    assert not Booking.objects.exists() and not Slot.objects.exists()


def test_booking_on_a_weekend_or_holiday_is_refused(resident_client, clock):
    saturday = clock.day + timedelta(days=(5 - clock.day.weekday()) % 7)
    response = post_booking(resident_client, saturday)
    assert response.status_code == 400
    assert "Kantor tutup pada" in response.content.decode()
    from workdays.models import OfficeDay

    OfficeDay.objects.create(date=clock.day, is_working_day=False, reason="Pindah gedung")
    page = resident_client.get(BOOK, {"service": "A", "date": clock.day.isoformat()})
    assert "Tidak ada jam layanan pada hari itu." in page.content.decode()
    assert clock.day not in page.context["days"]
    response = post_booking(resident_client, clock.day)
    assert "Kantor tutup pada" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_passed_slot_or_day_is_refused(resident_client, clock):
    clock.set(10, 5)
    response = post_booking(resident_client, clock.day, "10:00")
    assert "Jam 10:00 hari ini sudah lewat" in response.content.decode()
    response = post_booking(resident_client, clock.day - timedelta(days=1))
    assert "Tanggal itu sudah lewat" in response.content.decode()
    response = post_booking(resident_client, clock.day + timedelta(days=60))
    assert "paling jauh 30 hari" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_full_slot_is_refused_and_nothing_is_half_written(book, clock, other_resident):
    for serial in range(1, 5):
        book(serial=serial, owner=other_resident if serial > 2 else None)
    with pytest.raises(DomainError) as refused:
        book(serial=5)
    assert refused.value.problems[0].code == "slot_full"
    assert "sudah penuh" in refused.value.messages[0]
    assert Slot.objects.get(starts_at=time(9, 0)).booked == 4
    assert QueueDay.objects.get().booked == 4
    assert Booking.objects.count() == 4


def test_the_daily_quota_is_enforced(book, clock):
    ktp = queue_service("KTP")
    ktp.daily_quota = 2
    ktp.save()
    book(hour=8, serial=1)
    book(hour=10, serial=2)
    with pytest.raises(DomainError) as refused:
        book(hour=11, serial=3)
    assert refused.value.problems[0].code == "quota_reached"
    assert "sudah habis" in refused.value.messages[0]
    assert Slot.objects.get(starts_at=time(11, 0)).booked == 0  # the slot's place was given back
    assert QueueDay.objects.get().booked == 2


def test_one_active_booking_per_nik_per_service(resident_client, book, clock):
    first = book(hour=9, serial=7)
    with pytest.raises(DomainError) as refused:
        book(hour=10, serial=7)
    assert refused.value.problems[0].code == "already_booked"
    assert first.display_code in refused.value.messages[0]
    assert book("KK", 10, serial=7).service.letter == "B"  # another service is fine
    response = post_booking(resident_client, clock.day, "11:00", serial=7)
    assert "sudah punya pesanan KTP" in response.content.decode()

    services.booking_cancel(booking=first)
    assert book(hour=11, serial=7).status == Booking.ACTIVE  # after cancelling, again


def test_one_account_cannot_hoard_bookings(book, clock):
    for serial in range(1, 6):
        book(hour=8 + serial, serial=serial)
    with pytest.raises(DomainError) as refused:
        book(hour=8, serial=6)
    assert refused.value.problems[0].code == "too_many_bookings"


def test_the_resident_cancels_and_the_place_returns(resident_client, book, clock):
    booking = book()
    url = reverse("counter_queue:cancel", args=[booking.code])
    response = resident_client.post(url)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.CANCELLED
    assert Slot.objects.get(starts_at=time(9, 0)).booked == 0
    assert QueueDay.objects.get().booked == 0
    again = resident_client.post(url, follow=True)
    assert "tidak dapat dibatalkan" in again.content.decode()


def test_another_resident_cannot_see_or_cancel_a_booking(client, other_resident, book, clock):
    booking = book()
    client.force_login(other_resident)
    assert client.get(reverse("counter_queue:booking", args=[booking.code])).status_code == 404
    assert client.post(reverse("counter_queue:cancel", args=[booking.code])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.ACTIVE


def test_booking_pages_need_sign_in(client, clock):
    response = client.get(BOOK)
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_the_reminder_is_due_the_day_before_and_sent_once(book, clock):
    booking = book(now=office_time(clock.day - timedelta(days=3), 10))
    assert booking.remind_at == office_time(clock.day - timedelta(days=1), 16)
    assert services.reminders_send_due(now=office_time(clock.day - timedelta(days=2), 9)) == 0
    later = office_time(clock.day - timedelta(days=1), 16, 30)
    assert services.reminders_send_due(now=later) == 1
    assert services.reminders_send_due(now=later) == 0
    reminder = OutboxMessage.objects.order_by("-id").first()
    assert reminder.body.startswith("Pengingat") and booking.display_code in reminder.body


def test_a_same_day_booking_gets_no_reminder_but_a_confirmation(book, clock):
    clock.set(8, 30)
    booking = book(hour=10)
    assert booking.remind_at is None
    assert OutboxMessage.objects.count() == 1


def test_no_shows_are_released_after_the_grace_period(book, clock, other_resident):
    booking = book(hour=9, serial=1)
    kept = book(hour=10, serial=2)
    assert services.no_shows_release(now=office_time(clock.day, 9, 15)) == 0
    assert services.no_shows_release(now=office_time(clock.day, 9, 16)) == 1
    booking.refresh_from_db()
    kept.refresh_from_db()
    assert booking.status == Booking.NO_SHOW and kept.status == Booking.ACTIVE
    assert book(day=clock.day + timedelta(days=1), serial=1, now=clock.now).status == "active"


def test_the_office_cancels_bookings_inside_a_disruption(book, clock):
    inside = book(hour=10, serial=1)
    outside = book(hour=12, serial=2)
    cancelled = services.bookings_cancel_in_window(
        starts=office_time(clock.day, 9, 30),
        ends=office_time(clock.day, 11),
        reason="listrik padam",
    )
    assert [b.pk for b in cancelled] == [inside.pk]
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.status == Booking.CANCELLED and outside.status == Booking.ACTIVE
    assert "listrik padam" in OutboxMessage.objects.order_by("-id").first().body
    with pytest.raises(DomainError):
        services.bookings_cancel_in_window(
            starts=office_time(clock.day, 11), ends=office_time(clock.day, 9), reason="x"
        )


def test_a_ktp_pemula_application_books_its_recording(resident_client, resident, clock):
    from applications.models import Application
    from catalogue.models import Service

    ktp = Service.objects.get(code="KTP")
    application = Application.objects.create(
        resident=resident, service=ktp, variant=ktp.variants.get(code="PEMULA"), nik=nik(9)
    )
    page = resident_client.get(
        BOOK, {"permohonan": str(application.public_id), "date": clock.day.isoformat()}
    )
    assert f'value="{nik(9)}"' in page.content.decode()  # the applicant's NIK, KTP chosen
    response = resident_client.post(
        BOOK,
        {
            "service": "A",
            "date": clock.day.isoformat(),
            "time": "09:30",
            "nik": nik(9),
            "permohonan": str(application.public_id),
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.application == application and booking.variant.code == "PEMULA"


def test_the_application_page_tag_offers_the_recording_booking(resident, book, clock):
    from django.template import Context, Template

    from applications.models import Application
    from catalogue.models import Service

    ktp = Service.objects.get(code="KTP")
    render = Template("{% load queue_tags %}{% recording_booking application %}").render
    lost = Application.objects.create(
        resident=resident, service=ktp, variant=ktp.variants.get(code="HILANG"), nik=nik(3)
    )
    assert render(Context({"application": lost})).strip() == ""
    first = Application.objects.create(
        resident=resident, service=ktp, variant=ktp.variants.get(code="PEMULA"), nik=nik(4)
    )
    html = render(Context({"application": first}))
    assert f"/antrian/pesan/?permohonan={first.public_id}" in html
    booking = services.booking_create(
        resident=resident,
        nik=nik(4),
        service=queue_service("KTP"),
        day=clock.day,
        starts_at=time(10, 0),
        application=first,
    )
    assert booking.display_code in render(Context({"application": first}))


def test_reminder_and_release_are_deferred_tasks_in_production(
    book, clock, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(hour=9, now=office_time(clock.day - timedelta(days=3), 10))
    rows = {row.task_path: row for row in DBTaskResult.objects.all()}
    reminder = rows["counter_queue.tasks.send_reminder"]
    assert reminder.run_after == booking.remind_at
    assert reminder.args_kwargs == {"args": [booking.pk], "kwargs": {}}
    release = rows["counter_queue.tasks.release_no_shows"]
    assert release.run_after == office_time(clock.day, 9, 15) + timedelta(seconds=1)


def test_the_sweep_command_sends_due_reminders_and_releases_no_shows(book, clock):
    import io

    from django.core.management import call_command

    book(hour=9, serial=1, now=office_time(clock.day - timedelta(days=2), 10))
    book(hour=10, serial=2, now=office_time(clock.day - timedelta(days=2), 10))
    clock.set(9, 20)
    out = io.StringIO()
    call_command("queue_sweep", stdout=out)
    # 09:00 is past its grace period (no late reminder for it); 10:00 still gets its reminder
    assert out.getvalue().strip() == "reminders sent: 1; no-shows released: 1"
    assert OutboxMessage.objects.filter(body__startswith="Pengingat").count() == 1
