"""Getting the card into the resident's hands, in Chromium: one KTP-el by courier from the
resident's choice to the delivery confirmed with the handover code, another picked up at the
counter with the pickup code and the NIK."""

import re
import threading

import pytest
from django.test import Client
from django_otp.oath import totp

from accounts.models import User
from applications import lifecycle
from applications.models import Application
from handover.models import CourierBooking, DeliveryChoice
from tests.conftest import BALIKPAPAN_WOMAN_NIK, make_officer
from tests.handover.conftest import CALLBACK, build_card, make_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def courier(settings, live_server):
    """The fake courier, posting its signed webhooks to the live server over HTTP."""
    from fakes.courier import serve

    server, state = serve(
        "127.0.0.1", 0, "test-courier-key", "test-courier-secret", live_server.url + CALLBACK
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    settings.COURIER_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.COURIER_API_KEY = "test-courier-key"
    settings.COURIER_WEBHOOK_SECRET = "test-courier-secret"
    yield state
    server.shutdown()
    server.server_close()


def resident_tab(browser, base_url, resident):
    client = Client()
    client.force_login(resident)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return tab


def officer_tab(browser, base_url, user):
    """Logged in through the real two-step log-in (password, then TOTP)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.goto(base_url + "/kantor/account/login/")
    tab.fill("input[name=auth-username]", user.username)
    tab.fill("input[name=auth-password]", "s3cret-Passw0rd!")
    tab.locator("main button[type=submit].btn-primary").click()
    device = user.totpdevice_set.get()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    tab.fill("input[name=token-otp_token]", f"{code:06d}")
    tab.locator("main button[type=submit].btn-primary").click()
    tab.wait_for_url("**/kantor/**")
    return tab


@pytest.fixture
def resident(reference_data):
    return User.objects.create(username="+6281234567890", phone="+6281234567890")


def status_of(application) -> str:
    return Application.objects.get(pk=application.pk).status


def test_a_ktp_goes_by_courier_from_choice_to_confirmed_delivery(
    browser, live_server, reference_data, courier, sms_gateway, resident
):
    base = live_server.url
    card = build_card(resident)
    tab = resident_tab(browser, base, resident)
    tab.goto(f"{base}/permohonan/{card.public_id}/")
    tab.locator("#handover").get_by_role("button", name="Kirim kurir").click()
    tab.wait_for_url("**/kurir/")
    assert tab.input_value("input[name=street]") == "Jl. Mulawarman No. 7 RT 03"  # pre-filled
    assert tab.locator("select[name=village]").input_value() == "6471051002"
    tab.fill("input[name=landmark]", "pagar hijau depan masjid")
    tab.fill("input[name=latitude]", "-1.255")
    tab.fill("input[name=longitude]", "116.86")
    tab.get_by_label("Non-tunai (GoPay) kepada kurir").check()
    assert tab.locator(".envelope-label").is_visible()  # what the envelope looks like
    tab.get_by_role("button", name="Lihat ongkos kirim").click()
    tab.wait_for_url("**/kurir/konfirmasi/")
    estimate = tab.locator("#estimate").inner_text()
    assert re.search(r"Rp\d{1,3}(\.\d{3})+", estimate), estimate
    assert "ongkos kirim dibayar Anda kepada kurir" in tab.locator("main").inner_text()
    tab.screenshot(path="/tmp/loket-courier-confirm.png", full_page=True)
    tab.get_by_role("button", name="Konfirmasi kirim kurir").click()
    tab.wait_for_url(f"**/permohonan/{card.public_id}/*")
    assert "Kirim kurir" in tab.locator("#handover-choice").inner_text()

    make_ready(card)  # the print batch; the office books the courier in the background
    booking = CourierBooking.objects.get(application=card)
    assert booking.state == CourierBooking.BOOKED
    courier.advance(booking.order_no, "driver_found")  # webhook over HTTP to the live server
    tab.reload()
    assert "Pengemudi" in tab.locator("#courier-status ~ p").first.inner_text()

    desk = officer_tab(browser, base, make_officer("loket-kurir", "pickup_desk"))
    desk.goto(f"{base}/kantor/kurir/")
    desk.fill("input[name=code]", "LOKET-KURIR:" + booking.order_no)  # the envelope's QR
    desk.get_by_role("button", name="Cari").click()
    found = desk.locator("#found-booking").inner_text()
    booking.refresh_from_db()
    assert card.registration_number in found and booking.driver_name in found
    desk.get_by_role("button", name="Serahkan amplop kepada pengemudi ini").click()
    assert "diserahkan kepada" in desk.locator("#messages").inner_text()
    assert status_of(card) == lifecycle.OUT_FOR_DELIVERY

    notice = next(m["text"] for m in sms_gateway.messages if "Kode serah terima" in m["text"])
    code = re.search(r"Kode serah terima: (\d{6})\.", notice).group(1)
    result = courier.advance(booking.order_no, "delivered", handover_code=code)
    assert result["status"] == 200
    assert status_of(card) == lifecycle.HANDED_OVER
    tab.reload()
    assert "Kartu sudah diterima" in tab.locator("#handover-done").inner_text()
    tab.screenshot(path="/tmp/loket-courier-delivered.png", full_page=True)


def test_a_ktp_is_picked_up_at_the_counter(browser, live_server, reference_data, resident):
    base = live_server.url
    card = make_ready(build_card(resident))
    tab = resident_tab(browser, base, resident)
    tab.goto(f"{base}/permohonan/{card.public_id}/")
    shown = tab.locator("#pickup-code strong").inner_text()
    assert shown.replace("-", "") == DeliveryChoice.objects.get(application=card).pickup_code
    assert tab.locator("#pickup-code svg").count() == 1  # the QR the desk can scan

    desk = officer_tab(browser, base, make_officer("loket-ambil", "pickup_desk"))
    desk.goto(f"{base}/kantor/pengambilan/")
    desk.fill("input[name=code]", shown)
    desk.fill("input[name=nik]", "6471054107900009")  # someone else's NIK
    desk.get_by_role("button", name="Serahkan kartu").click()
    assert "NIK tidak cocok" in desk.locator("#desk-problems").inner_text()
    assert status_of(card) == lifecycle.READY_FOR_HANDOVER
    desk.fill("input[name=nik]", BALIKPAPAN_WOMAN_NIK)
    desk.get_by_role("button", name="Serahkan kartu").click()
    assert card.registration_number in desk.locator("#messages").inner_text()
    assert status_of(card) == lifecycle.HANDED_OVER
    desk.fill("input[name=code]", shown)
    desk.fill("input[name=nik]", BALIKPAPAN_WOMAN_NIK)
    desk.get_by_role("button", name="Serahkan kartu").click()
    assert "dua kali" in desk.locator("#desk-problems").inner_text()
    tab.reload()
    assert "Kartu sudah diterima" in tab.locator("#handover-done").inner_text()
