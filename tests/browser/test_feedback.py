"""Complaints and the satisfaction survey in Chromium: a resident files a complaint, customer
service answers it, the resident reads the answer; a resident fills the survey after a handover
and the office's IKM report shows the changed index."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from applications import lifecycle
from applications.models import Application
from catalogue.models import Service
from feedback.models import Complaint, SurveyResponse
from tests.browser.test_backoffice_walk import officer_page
from tests.conftest import BALIKPAPAN_WOMAN_NIK, make_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def resident_page(browser, base_url, resident):
    client = Client()
    client.force_login(resident)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_a_complaint_is_filed_answered_and_read(
    browser, live_server, reference_data, sms_gateway, resident
):
    base = live_server.url
    officer = make_officer("pengaduan", "customer_service")
    home = resident_page(browser, base, resident)
    home.goto(base + "/pengaduan/baru/")
    home.get_by_label("Jenis pengaduan").select_option("delay")
    home.get_by_label("Judul singkat").fill("KTP belum jadi")
    home.get_by_label("Isi pengaduan").fill("Sudah lewat tanggal janji, belum ada kabar.")
    home.get_by_role("button", name="Kirim pengaduan").click()
    home.wait_for_url(re.compile(r".*/pengaduan/[0-9a-f-]{36}/$"))
    assert home.locator("#complaint-status").inner_text() == "Menunggu jawaban"
    complaint = Complaint.objects.get()

    desk = officer_page(browser, base, officer)
    desk.goto(base + "/kantor/pengaduan/")
    desk.get_by_role("link", name="KTP belum jadi").click()
    desk.get_by_label("Jawaban").fill("KTP Anda sudah dicetak dan dapat diambil besok.")
    desk.get_by_role("button", name="Kirim jawaban").click()
    desk.wait_for_load_state()
    assert desk.locator("#complaint-status").inner_text() == "Sudah dijawab"

    home.goto(f"{base}/pengaduan/{complaint.public_id}/")
    assert "dapat diambil besok" in home.locator("#complaint-answer").inner_text()
    assert home.locator("#complaint-status").inner_text() == "Sudah dijawab"
    assert any("sudah dijawab" in m["text"] for m in sms_gateway.messages)


def test_a_survey_answer_changes_the_ikm_report(
    browser, live_server, reference_data, sms_gateway, resident
):
    base = live_server.url
    ktp = Service.objects.get(code="KTP")
    # One earlier paper form, all "2": the index starts at 50,00 (D).
    SurveyResponse.objects.create(
        service=ktp,
        channel="paper",
        respondent="K-001",
        answered_on=datetime.date(2026, 11, 2),
        **{f"u{i}": 2 for i in range(1, 10)},
    )
    application = Application.objects.create(
        resident=resident,
        service=ktp,
        status=lifecycle.HANDED_OVER,
        registration_number="KTP-261120-ABCDEF",
        submitted_at=timezone.now(),
        nik=BALIKPAPAN_WOMAN_NIK,
        data={"nik": BALIKPAPAN_WOMAN_NIK, "name": "Siti"},
    )
    officer = make_officer("evaluasi", "customer_service")
    report = officer_page(browser, base, officer)
    report.goto(base + "/kantor/ikm/")
    assert report.locator("#ikm-value").inner_text() == "50,00"
    assert report.locator("#ikm-grade").inner_text() == "D"

    home = resident_page(browser, base, resident)
    home.goto(f"{base}/survei/{application.public_id}/?via=sms")
    for code in range(1, 10):
        home.locator(f"#question-u{code} input[value='4']").check()
    home.get_by_label("Saran dan masukan (boleh dikosongkan)").fill("Petugas ramah dan cepat.")
    home.get_by_role("button", name="Kirim survei").click()
    home.wait_for_selector("#survey-thanks")

    report.reload()
    assert report.locator("#ikm-value").inner_text() == "75,00"  # (2 + 4) / 2 × 25
    assert report.locator("#ikm-grade").inner_text() == "C"
    assert "Petugas ramah dan cepat." in report.locator("#positive-feedback").inner_text()
    assert SurveyResponse.objects.get(application=application).channel == "sms"
