"""Booking a counter visit in the chat: ANTRIAN → service → NIK → day → time, with the same
rules as the web; the booking's confirmation (with its code) is the answer."""

import pytest

from counter_queue.models import Booking
from notifications.models import OutboxMessage
from tests.channels.test_engine import conversation, say, tap, text_of
from tests.counter_queue.conftest import clock, nik, office_day  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def test_a_resident_books_a_visit_in_the_chat(clock):  # noqa: F811
    chat = conversation()
    services = say(chat, "antrian")
    assert "Untuk layanan apa?" in text_of(services)
    assert "Tulis NIK" not in text_of(services)
    assert "16 angka" in text_of(tap(chat, "KTP"))
    assert "NIK hanya boleh berisi angka." in text_of(say(chat, "64710x"))
    days = say(chat, nik(7))
    first_day = days[-1].options[0][0]
    assert first_day == clock.day.isoformat()
    times = tap(chat, first_day)
    first_time = times[-1].options[0][0]
    assert first_time == "08:00"
    assert tap(chat, first_time) == []  # the confirmation notice is the answer

    booking = Booking.objects.get()
    assert (booking.nik, booking.channel, booking.slot.date) == (nik(7), "whatsapp", clock.day)
    notice = OutboxMessage.objects.filter(recipient=chat.phone).latest("pk")
    assert booking.display_code in notice.body and notice.channel == "whatsapp"
    chat.refresh_from_db()
    assert "visit" not in chat.state


def test_a_second_booking_for_the_same_nik_is_refused_with_the_reason(clock):  # noqa: F811
    chat = conversation()
    for _attempt in range(2):
        say(chat, "jadwal")
        tap(chat, "KTP")
        days = say(chat, nik(8))
        times = tap(chat, days[-1].options[0][0])
        last = tap(chat, times[-1].options[1][0])
    assert Booking.objects.count() == 1
    assert "Ketik ANTRIAN untuk memilih lagi." in text_of(last)
