"""The access log: every officer read is written; the head of section searches it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AccessLog
from audit.services import record_access
from tests.conftest import BALIKPAPAN_WOMAN_NIK

pytestmark = pytest.mark.django_db

URL = reverse("audit:log")
OFFICE = ZoneInfo("Asia/Makassar")


def opened(officer, application, *, screen="verification", at=None, attachment=None):
    request = RequestFactory().get("/kantor/", REMOTE_ADDR="10.0.0.7")
    request.user = officer
    entry = record_access(request, application=application, screen=screen, attachment=attachment)
    if at:
        AccessLog.objects.filter(pk=entry.pk).update(at=at)
    return entry


def rows(response) -> list[str]:
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return body.split("<tr>")[1:]


def reads(response) -> list[str]:
    """Rows about applications, leaving out the head of section's own looks at the log."""
    return [row for row in rows(response) if "audit:log" not in row]


def test_record_access_writes_who_what_when_where(officer_client, scanned_application):
    _, verifier = officer_client("verifier", username="vera")
    application = scanned_application(status="in_verification")
    attachment = application.attachments.first()
    entry = opened(verifier, application, screen="verification.file", attachment=attachment)
    entry.refresh_from_db()
    assert (entry.officer, entry.application, entry.attachment_id) == (
        verifier,
        application,
        attachment.id,
    )
    assert entry.screen == "verification.file" and entry.ip == "10.0.0.7" and entry.at


def test_the_head_of_section_searches_the_log(officer_client, scanned_application):
    head, _ = officer_client("head_of_section", username="kasi")
    _, vera = officer_client("verifier", username="vera")
    _, oscar = officer_client("operator", username="oscar")
    first = scanned_application(status="in_verification")
    second = scanned_application(status="approved")
    opened(vera, first, at=datetime(2025, 3, 1, 9, 0, tzinfo=OFFICE))
    opened(vera, second, at=datetime(2025, 3, 2, 23, 30, tzinfo=OFFICE))
    opened(oscar, second, screen="print_batch", at=datetime(2025, 3, 3, 0, 15, tzinfo=OFFICE))

    everything = head.get(URL)
    assert everything.status_code == 200
    listed = rows(everything)
    # Newest first; the head's own look (just now) heads the list.
    assert len(listed) == 4 and "audit:log" in listed[0]
    assert "oscar" in listed[1] and "vera" in listed[-1]
    assert everything["Cache-Control"].startswith("max-age=0")

    by_officer = reads(head.get(URL, {"officer": " VER "}))  # part of the name, any case
    assert len(by_officer) == 2 and all("<td>vera</td>" in row for row in by_officer)

    by_number = reads(head.get(URL, {"number": second.registration_number.lower()}))
    assert len(by_number) == 2 and all(second.registration_number in r for r in by_number)

    # Days are whole days in the office's time zone: 23:30 on 2 March counts as 2 March.
    on_the_second = reads(head.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-02"}))
    assert len(on_the_second) == 1 and "vera" in on_the_second[0]
    assert len(reads(head.get(URL, {"date_from": "2025-03-02"}))) == 2
    assert len(reads(head.get(URL, {"officer": "oscar", "date_to": "2025-03-02"}))) == 0


def test_the_log_shows_no_full_nik(officer_client, scanned_application):
    head, _ = officer_client("head_of_section")
    _, vera = officer_client("verifier")
    opened(vera, scanned_application(status="in_verification"))
    html = head.get(URL).content.decode()
    assert BALIKPAPAN_WOMAN_NIK not in html
    assert "647105******0001" in html
    assert "Siti" not in html


def test_reading_the_log_is_itself_logged(officer_client):
    head, kasi = officer_client("head_of_section")
    head.get(URL, {"officer": "someone"})
    entry = AccessLog.objects.get()
    assert (entry.officer, entry.screen, entry.application) == (kasi, "audit:log", None)
    assert "audit:log" in head.get(URL).content.decode()
    assert AccessLog.objects.count() == 2


def test_the_log_is_paginated_and_keeps_the_filter(officer_client, scanned_application):
    head, _ = officer_client("head_of_section")
    _, vera = officer_client("verifier", username="vera")
    application = scanned_application(status="in_verification")
    start = datetime(2025, 3, 1, 8, 0, tzinfo=OFFICE)
    for minute in range(55):
        opened(vera, application, at=start + timedelta(minutes=minute))

    first = head.get(URL, {"officer": "vera"})
    assert len(rows(first)) == 50 and "08:54" in rows(first)[0]
    html = first.content.decode()
    assert "officer=vera&amp;page=2" in html
    second = head.get(URL, {"officer": "vera", "page": 2})
    assert len(rows(second)) == 5 and "08:00" in rows(second)[-1]


def test_a_bad_date_range_is_explained(officer_client):
    head, _ = officer_client("head_of_section")
    response = head.get(URL, {"date_from": "2025-03-05", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in response.content.decode()


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("head_of_section",), 200),
        (("admin",), 200),
        (("verifier",), 403),
        (("operator",), 403),
        (("front_desk",), 403),
        (("pickup_desk",), 403),
        (("customer_service",), 403),
    ],
)
def test_only_the_head_of_section_and_admin_read_the_log(officer_client, roles, status):
    client, _ = officer_client(*roles)
    assert client.get(URL).status_code == status


def test_residents_and_strangers_are_kept_out(client, resident):
    assert client.get(URL).status_code == 302
    client.force_login(resident)
    assert client.get(URL).status_code == 403
    assert not AccessLog.objects.exists()


def test_a_forbidden_look_leaves_no_entries_to_see(officer_client, scanned_application):
    verifier, vera = officer_client("verifier")
    opened(vera, scanned_application(status="in_verification"))
    response = verifier.get(URL)
    assert response.status_code == 403
    assert BALIKPAPAN_WOMAN_NIK[:6] not in response.content.decode()
