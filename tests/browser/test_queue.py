"""The counter queue in Chromium: a resident books a slot, the information desk checks them in,
a counter calls them, and a display board that is already open shows the number without a
reload (and the resident's phone says which counter)."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from counter_queue.models import Booking
from tests.conftest import make_officer, officer_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIK = "6471050107900001"


@pytest.fixture
def queue_defaults(reference_data):
    from catalogue.models import Service
    from counter_queue.defaults import load_queue_defaults
    from counter_queue.models import Counter, OpeningHours, QueueService

    load_queue_defaults(OpeningHours, QueueService, Counter, Service)


@pytest.fixture
def office_morning(monkeypatch, queue_defaults):
    """The office clock stands at 08:40 on the next working day (the live server shares it)."""
    from workdays.calendar import WorkingCalendar

    today = timezone.localdate()
    day = WorkingCalendar(today, today + timedelta(days=60)).next_working_day(today)
    now = timezone.make_aware(datetime.combine(day, time(8, 40)), timezone.get_default_timezone())
    monkeypatch.setattr(timezone, "now", lambda: now)
    return day


def session_cookie(client, base_url):
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}


def page_as(browser, base_url, cookie=None):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    if cookie:
        context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_book_check_in_and_get_called_on_a_live_board(browser, live_server, office_morning):
    from accounts.models import User

    base = live_server.url
    resident = User.objects.create(username="+6281234567890", phone="+6281234567890")
    resident_client = Client()
    resident_client.force_login(resident)
    officer = make_officer("desk-and-counter", "front_desk", "verifier")
    officer_client = officer_login(Client(), officer)

    # The resident books 09:00 on their phone.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    phone.add_cookies([session_cookie(resident_client, base)])
    resident_page = phone.new_page()
    resident_page.set_default_timeout(10_000)
    resident_page.goto(base + "/antrian/pesan/")
    resident_page.select_option("select[name=service]", "A")
    resident_page.select_option("select[name=date]", office_morning.isoformat())
    resident_page.get_by_role("button", name="Lihat jam yang masih kosong").click()
    resident_page.wait_for_url("**/antrian/pesan/?*")
    resident_page.screenshot(path="/tmp/loket-queue-book.png", full_page=True)
    resident_page.locator("input[name=time][value='09:00']").check()
    resident_page.fill("input[name=nik]", NIK)
    resident_page.get_by_role("button", name="Pesan jam ini").click()
    resident_page.wait_for_url("**/antrian/pesanan/*/")
    code = resident_page.locator("#booking-code").inner_text()
    booking = Booking.objects.get()
    assert code == booking.display_code
    assert "09:00" in resident_page.locator("#booking-when").inner_text()

    # The display board is open before anything is called.
    board = page_as(browser, base)
    board.goto(base + "/antrian/papan/")
    board.evaluate("window.loaded_once = true")
    assert board.locator("tr[data-counter='2'] td").nth(1).inner_text() == "—"

    # The information desk checks the booking in from the code the resident reads aloud.
    desk = page_as(browser, base, session_cookie(officer_client, base))
    desk.goto(base + "/kantor/antrian/")
    desk.fill("#check-in input[name=code]", code.lower())
    desk.locator("#check-in button").click()
    desk.wait_for_url("**/kantor/antrian/tiket/*/")
    assert desk.locator("#slip-number").inner_text() == "A-001"

    # The resident follows their ticket: nobody ahead.
    resident_page.reload()
    resident_page.get_by_role("link", name="Lihat berapa orang di depan Anda").click()
    resident_page.wait_for_url("**/antrian/tiket/*/")
    assert resident_page.locator("#ticket-ahead").inner_text() == "0"

    # Counter 2 calls the next ticket.
    desk.goto(base + "/kantor/antrian/loket/2/")
    desk.get_by_role("button", name="Panggil berikutnya").click()
    desk.wait_for_load_state()
    assert desk.locator("#current-ticket").inner_text() == "A-001"
    desk.screenshot(path="/tmp/loket-queue-counter.png", full_page=True)

    # The open board shows it without a reload; so does the resident's phone.
    called = board.locator("tr[data-counter='2'] td.ticket")
    called.wait_for(timeout=5_000)
    assert called.inner_text() == "A-001"
    assert board.evaluate("window.loaded_once") is True  # same page, never reloaded
    assert "A-001" in board.locator("#recent").inner_text()
    board.screenshot(path="/tmp/loket-queue-board.png")
    resident_page.wait_for_function(
        "document.getElementById('ticket-state').textContent.includes('loket')"
        " || document.getElementById('ticket-state').textContent.includes('Silakan')",
        timeout=12_000,
    )
    assert "2" in resident_page.locator("#ticket-state").inner_text()
    phone.close()
    board.context.close()
    desk.context.close()
