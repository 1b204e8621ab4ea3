"""An operator desa in Chromium at 360 px: applications taken without signal are kept on the
device, listed as waiting, and arrive exactly once when the connection returns; consent by the
resident's SMS code online."""

import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from applications import lifecycle
from applications.models import Application
from assisted.models import AssistedIntake
from catalogue.models import Service
from catalogue.selectors import requirements_for
from tests.assisted.conftest import SEPINGGAN, make_operator
from tests.conftest import BALIKPAPAN_KK, CHILD_NIK, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECOND_CHILD_NIK = "6471052005190003"  # a boy born 20 May 2019, kec. Balikpapan Selatan


@pytest.fixture
def photos(tmp_path):
    good, dark = tmp_path / "berkas.jpg", tmp_path / "gelap.jpg"
    good.write_bytes(jpeg_bytes((800, 600), (225, 210, 190)))
    dark.write_bytes(jpeg_bytes((800, 600), (8, 8, 10)))
    return {"good": str(good), "dark": str(dark)}


def operator_tab(browser, base_url, user):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base_url + "/kantor/account/login/")
    page.fill("input[name=auth-username]", user.username)
    page.fill("input[name=auth-password]", "s3cret-Passw0rd!")
    page.locator("main button[type=submit].btn-primary").click()
    device = user.totpdevice_set.get()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("input[name=token-otp_token]", f"{code:06d}")
    page.locator("main button[type=submit].btn-primary").click()
    page.wait_for_load_state()
    return context, page


def fill_kia(page, photos, *, nik, name, birth, consent="form", phone=""):
    page.fill("input[name=nik]", nik)
    page.fill("input[name=no_kk]", BALIKPAPAN_KK)
    page.fill("input[name=name]", name)
    page.select_option("select[name=sex]", "L")
    page.fill("input[name=birth_date]", birth)
    page.select_option("select[name=village]", SEPINGGAN)
    page.fill("input[name=address]", "Jl. Mulawarman No. 7 RT 03")
    for requirement in requirements_for(Service.objects.get(code="KIA"), None):
        page.set_input_files(f"input[name=file_{requirement.id}]", photos["good"])
    if phone:
        page.fill("input[name=phone]", phone)
    page.check(f"input[name=consent_method][value={consent}]")
    if consent == "form":
        page.set_input_files("input[name=consent_file]", photos["good"])


def waiting(page) -> int:
    box = page.locator("#outbox")
    return 0 if box.is_hidden() else int(box.locator("[data-count]").inner_text())


COPY_QUEUE = """() => new Promise((resolve) => {
  const open = indexedDB.open("loket-desa", 1);
  open.onsuccess = () => {
    const all = open.result.transaction("outbox").objectStore("outbox").getAll();
    all.onsuccess = () => { window.__copy = all.result; resolve(all.result.length); };
  };
})"""
PUT_BACK = """() => new Promise((resolve) => {
  const open = indexedDB.open("loket-desa", 1);
  open.onsuccess = () => {
    const t = open.result.transaction("outbox", "readwrite");
    for (const item of window.__copy) t.objectStore("outbox").put(item);
    t.oncomplete = () => resolve(window.__copy.length);
  };
})"""


def test_two_applications_taken_offline_arrive_exactly_once(
    browser, live_server, reference_data, photos
):
    base = live_server.url
    operator = make_operator("op.sepinggan", village=SEPINGGAN)
    context, page = operator_tab(browser, base, operator)
    page.goto(base + "/desa/")
    page.wait_for_selector("html[data-offline-ready='1']", state="attached")

    context.set_offline(True)
    page.goto(base + "/desa/baru/KIA/")  # from the service worker's copy
    assert page.locator("#intake-form").count() == 1

    # The same checks as online, before anything is kept: a bad NIK and a dark photo.
    fill_kia(page, photos, nik="6471051503", name="Adi Pratama", birth="2018-03-15")
    page.set_input_files("input[name=consent_file]", photos["dark"])
    page.get_by_role("button", name="Ajukan untuk warga").click()
    expect(page.locator("#problems")).to_contain_text("16 angka")
    expect(page.locator("#problems")).to_contain_text("terlalu gelap")
    assert waiting(page) == 0

    page.fill("input[name=nik]", CHILD_NIK)
    page.set_input_files("input[name=consent_file]", photos["good"])
    page.get_by_role("button", name="Ajukan untuk warga").click()
    page.wait_for_function(
        "() => document.querySelector('#outbox [data-count]').textContent === '1'"
    )
    fill_kia(page, photos, nik=SECOND_CHILD_NIK, name="Bima Pratama", birth="2019-05-21")
    page.get_by_role("button", name="Ajukan untuk warga").click()
    expect(page.locator("#problems")).to_contain_text("tidak sesuai dengan NIK")
    page.fill("input[name=birth_date]", "2019-05-20")
    page.get_by_role("button", name="Ajukan untuk warga").click()
    page.wait_for_function(
        "() => document.querySelector('#outbox [data-count]').textContent === '2'"
    )
    listed = page.locator("#outbox [data-items]").inner_text()
    assert "Adi Pratama" in listed and "Bima Pratama" in listed
    assert Application.objects.count() == 0
    assert page.evaluate(COPY_QUEUE) == 2  # kept aside to replay below

    context.set_offline(False)  # the "online" event sends the queue
    page.locator("#outbox").wait_for(state="hidden")
    assert Application.objects.count() == 2
    for application in Application.objects.all():
        assert application.channel == "assisted"
        assert application.status == lifecycle.SUBMITTED
        assert application.attachments.count() == 5
        assert application.assisted.operator == operator
    assert sorted(a.data["name"] for a in Application.objects.all()) == [
        "Adi Pratama",
        "Bima Pratama",
    ]

    # The queue replayed (an answer lost on the way back): the server knows both intakes.
    assert page.evaluate(PUT_BACK) == 2
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.locator("#outbox").wait_for(state="hidden")
    assert Application.objects.count() == 2
    assert AssistedIntake.objects.filter(queued_offline=True).count() == 2

    page.goto(base + "/desa/")
    table = page.locator("main table").inner_text()
    for application in Application.objects.all():
        assert application.registration_number in table
    context.close()


def test_online_the_resident_confirms_with_the_code_sent_to_their_phone(
    browser, live_server, reference_data, sms_gateway, photos
):
    base = live_server.url
    operator = make_operator("op.sepinggan", village=SEPINGGAN)
    context, page = operator_tab(browser, base, operator)
    page.goto(base + "/desa/baru/KIA/")
    fill_kia(
        page,
        photos,
        nik=CHILD_NIK,
        name="Adi Pratama",
        birth="2018-03-15",
        consent="code",
        phone="0812 3456 7890",
    )
    page.get_by_role("button", name="Ajukan untuk warga").click()
    page.wait_for_function(
        "() => !document.querySelector('#outbox') || document.querySelector('#outbox').hidden"
    )
    page.wait_for_function(
        "() => document.querySelector('#sent-log').textContent.includes('Terkirim')"
    )
    application = Application.objects.get()
    assert application.status == lifecycle.DRAFT
    page.goto(base + f"/desa/permohonan/{application.public_id}/")
    sms = [m for m in sms_gateway.messages if m["to"] == "+6281234567890"][-1]
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    page.fill("input[name=code]", "000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Konfirmasi dan ajukan").click()
    expect(page.locator("#messages")).to_contain_text("Kode salah")
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="Konfirmasi dan ajukan").click()
    application.refresh_from_db()
    assert application.status == lifecycle.SUBMITTED
    assert application.registration_number in page.locator("#registration-number").inner_text()
    context.close()


def test_a_full_device_keeps_the_form_and_queues_nothing(
    browser, live_server, reference_data, photos
):
    base = live_server.url
    operator = make_operator("op.sepinggan", village=SEPINGGAN)
    context, page = operator_tab(browser, base, operator)
    # The device reports its storage as good as full.
    page.add_init_script(
        "navigator.storage.estimate = async () => ({usage: 999999, quota: 1000000});"
    )
    page.goto(base + "/desa/baru/KIA/")
    context.set_offline(True)
    fill_kia(page, photos, nik=CHILD_NIK, name="Adi Pratama", birth="2018-03-15")
    page.get_by_role("button", name="Ajukan untuk warga").click()
    expect(page.locator("#problems")).to_contain_text("Penyimpanan perangkat penuh")
    assert waiting(page) == 0
    assert page.input_value("input[name=name]") == "Adi Pratama"  # nothing typed is lost
    context.set_offline(False)
    assert Application.objects.count() == 0
    context.close()


def test_the_operator_intake_page_passes_the_axe_audit(browser, live_server, reference_data):
    from tests.browser.test_accessibility import BLOCKING, audit

    operator = make_operator("op.sepinggan", village=SEPINGGAN)
    context, page = operator_tab(browser, live_server.url, operator)
    for path in ("/desa/", "/desa/baru/KTP/"):
        page.goto(live_server.url + path)
        assert [v for v in audit(page) if v["impact"] in BLOCKING] == [], path
    context.close()
