"""One KTP-el through the whole office in Chromium: a fix request, resubmission, verification,
a central outage, approval, a blank-card shortage, printing, ready for handover — with every
step's SMS in the fake gateway's log."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp

from applications.models import Application
from tests.backoffice.conftest import submit_application
from tests.conftest import jpeg_bytes, make_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def officer_page(browser, base_url, user):
    """A browser tab logged in through the real two-step log-in (password, then TOTP)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base_url + "/kantor/account/login/")
    page.fill("input[name=auth-username]", user.username)
    page.fill("input[name=auth-password]", "s3cret-Passw0rd!")
    page.locator("main button[type=submit].btn-primary").click()
    device = user.totpdevice_set.get()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("input[name=token-otp_token]", f"{code:06d}")
    page.locator("main button[type=submit].btn-primary").click()
    page.wait_for_url("**/kantor/**")
    return page


def resident_page(browser, base_url, resident):
    client = Client()
    client.force_login(resident)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def status_of(application) -> str:
    return Application.objects.get(pk=application.pk).status


def verify(page, base_url, application, decisions):
    page.goto(f"{base_url}/kantor/permohonan/{application.public_id}/")
    page.get_by_role("button", name="Periksa permohonan ini").click()
    for code, (choice, reason) in decisions.items():
        item = page.locator(f"li[data-requirement={code}]")
        item.locator(f"input[type=radio][value={choice}]").check()
        if reason:
            item.locator("select").select_option(reason)
            item.locator("input[type=text]").fill("foto buram, ulangi")
    page.get_by_role("button", name="Simpan keputusan").click()
    page.wait_for_load_state()


def test_a_ktp_goes_from_submission_to_ready_for_handover(
    browser,
    live_server,
    reference_data,
    sms_gateway,
    siak,
    resident,
    tmp_path,
):
    base = live_server.url
    application = submit_application(resident)
    verifier = make_officer("verifikator", "verifier")
    operator = make_officer("operator", "operator")

    desk = officer_page(browser, base, verifier)
    assert application.registration_number in desk.locator("main").inner_text()
    verify(
        desk,
        base,
        application,
        {"kk": ("accept", ""), "surat_kehilangan": ("reject", "unreadable")},
    )
    assert "Perlu perbaikan" in desk.locator("#status").inner_text()

    home = resident_page(browser, base, resident)
    home.goto(f"{base}/permohonan/{application.public_id}/")
    assert "foto buram, ulangi" in home.locator("main").inner_text()
    scan = tmp_path / "laporan.jpg"
    scan.write_bytes(jpeg_bytes((500, 700), color=(250, 250, 240)))
    item = home.locator("li[data-requirement=surat_kehilangan]")
    item.locator("input[type=file]").set_input_files(str(scan))
    item.get_by_role("button", name="Unggah").click()
    home.get_by_role("button", name="Kirim perbaikan").click()
    home.wait_for_load_state()
    assert status_of(application) == "resubmitted"
    assert home.locator("#promise-date").inner_text()

    verify(desk, base, application, {"kk": ("accept", ""), "surat_kehilangan": ("accept", "")})
    assert status_of(application) == "verified"

    siak.mode = "maintenance"
    office = officer_page(browser, base, operator)
    office.goto(base + "/kantor/siak/")
    office.get_by_role("button", name="Kirim ke pusat").click()
    office.wait_for_load_state()
    office.goto(base + "/kantor/siak/")
    assert "tidak tersambung" in office.locator("main").inner_text()
    assert status_of(application) == "sent_to_central"

    siak.mode = "normal"
    call_command("central_resume")  # the worker's retry after the backoff
    call_command("central_resume")  # and the poll for the decision
    assert status_of(application) == "approved"

    office.goto(base + "/kantor/produksi/antrean/")
    office.locator(f"#app-{application.public_id}").check()
    office.get_by_role("button", name="Cetak yang dipilih").click()
    office.wait_for_load_state()
    assert "tidak cukup" in office.locator("main").inner_text()
    assert status_of(application) == "approved"

    office.goto(base + "/kantor/produksi/")
    for code, quantity in (("blanko", "10"), ("ribbon", "1"), ("film", "1")):
        form = office.locator("form[action$='/stok/terima/']")
        form.locator("select[name=receive-item]").select_option(code)
        form.locator("input[name=receive-quantity]").fill(quantity)
        form.get_by_role("button", name="Tambahkan ke stok").click()
        office.wait_for_load_state()
    office.goto(base + "/kantor/produksi/antrean/")
    office.locator(f"#app-{application.public_id}").check()
    office.get_by_role("button", name="Cetak yang dipilih").click()
    office.wait_for_load_state()
    assert status_of(application) == "ready_for_handover"
    office.screenshot(path="/tmp/loket-printed.png", full_page=True)

    texts = [m["text"] for m in sms_gateway.messages if m["to"] == resident.phone]
    number = application.registration_number
    expected = [
        r"diterima, nomor",
        r"sedang diperiksa",
        r"perlu perbaikan: .*Tidak terbaca",
        r"perbaikan permohonan .* diterima",
        r"lengkap dan benar",
        r"dikirim ke pusat",
        r"disetujui pusat",
        r"sudah dicetak",
        r"siap diambil",
    ]
    for pattern in expected:
        assert any(re.search(pattern, t) and number in t for t in texts), (pattern, texts)
