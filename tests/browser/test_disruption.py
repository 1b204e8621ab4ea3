"""An outage in Chromium: the head of section declares it; residents see the banner on every
page and the public status page, their promise date moves by the working days lost, and the
notice with the new date reaches the SMS gateway; when it is over they hear service is back."""

from datetime import timedelta

import pytest
from django.utils import formats, timezone

from applications.models import Application
from tests.backoffice.conftest import submit_application
from tests.browser.test_backoffice_walk import officer_page, resident_page
from tests.conftest import make_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOCAL = "%Y-%m-%dT%H:%M"


def test_an_outage_is_announced_everywhere_and_moves_promise_dates(
    browser, live_server, reference_data, sms_gateway, resident
):
    base = live_server.url
    application = submit_application(resident)
    before = application.promise_date
    head = make_officer("kasi", "head_of_section")

    desk = officer_page(browser, base, head)
    desk.goto(f"{base}/kantor/gangguan/")
    now = timezone.localtime()
    desk.select_option("select[name=kind]", "network")
    desk.fill("input[name=description]", "Jaringan ke pusat terputus")
    desk.fill("input[name=starts_at]", (now - timedelta(hours=1)).strftime(LOCAL))
    desk.fill("input[name=ends_at]", (now + timedelta(days=3)).strftime(LOCAL))
    desk.get_by_role("button", name="Umumkan gangguan").click()
    desk.wait_for_load_state()
    assert "Gangguan diumumkan" in desk.locator("#messages").inner_text()

    home = resident_page(browser, base, resident)
    for path in ("/", "/layanan/", f"/permohonan/{application.public_id}/", "/status-layanan/"):
        home.goto(base + path)
        assert "Jaringan ke pusat terputus" in home.locator("#disruption-banner").inner_text()
    home.screenshot(path="/tmp/loket-disruption-status.png", full_page=True)

    moved = Application.objects.get(pk=application.pk).promise_date
    assert moved > before
    home.goto(f"{base}/permohonan/{application.public_id}/")
    assert formats.date_format(moved, "l, j F Y") in home.locator("#promise-date").inner_text()
    notice = sms_gateway.messages[-1]["text"]
    assert "Jaringan ke pusat terputus" in notice and formats.date_format(moved, "j F Y") in notice

    desk.goto(f"{base}/kantor/gangguan/")
    desk.get_by_role("button", name="Nyatakan selesai").click()
    desk.wait_for_load_state()
    assert "layanan sudah normal kembali" in sms_gateway.messages[-1]["text"]
    home.goto(base + "/status-layanan/")
    assert home.locator("#disruption-banner").count() == 0
    assert home.locator("#all-normal").is_visible()
