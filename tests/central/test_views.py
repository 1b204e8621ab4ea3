"""The back office's SIAK page: who may see it, and the send buttons."""

import pytest

from applications import lifecycle
from central.models import CentralRequest
from tests.central.conftest import SEPINGGAN

pytestmark = pytest.mark.django_db

URL = "/kantor/siak/"


@pytest.mark.parametrize(
    ("role", "sees", "sends"),
    [
        ("front_desk", False, False),
        ("verifier", False, False),
        ("pickup_desk", False, False),
        ("customer_service", False, False),
        ("operator", True, True),
        ("head_of_section", True, False),
        ("admin", True, True),
    ],
)
def test_operators_send_and_the_head_of_section_watches(officer_client, role, sees, sends):
    client, _ = officer_client(role)
    page = client.get(URL)
    assert page.status_code == (200 if sees else 403)
    assert (b"Akses ditolak" in page.content) is not sees
    assert client.post(f"{URL}kirim-semua/").status_code == (302 if sends else 403)


def test_the_head_of_section_sees_no_send_buttons(officer_client, make_verified):
    application = make_verified("KTP")
    client, _ = officer_client("head_of_section")
    page = client.get(URL).content.decode()
    assert application.registration_number in page and "Kirim ke pusat" not in page
    assert client.post(f"{URL}kirim/{application.public_id}/").status_code == 403


def test_a_denied_officer_cannot_send(officer_client, make_verified):
    application = make_verified("KTP")
    client, _ = officer_client("verifier")
    assert client.post(f"{URL}kirim/{application.public_id}/").status_code == 403
    assert client.post(f"{URL}kirim-semua/").status_code == 403
    application.refresh_from_db()
    assert application.status == lifecycle.VERIFIED


def test_residents_and_strangers_are_kept_out(client, resident):
    assert client.get(URL).status_code == 302
    client.force_login(resident)
    assert client.get(URL).status_code == 403


def test_the_page_lists_verified_applications_with_a_send_button(officer_client, make_verified):
    application = make_verified("KTP")
    client, _ = officer_client("operator")
    page = client.get(URL).content.decode()
    assert application.registration_number in page
    assert f"kirim/{application.public_id}/" in page and "Kirim ke pusat" in page
    assert 'data-link="up"' in page
    assert application.nik not in page  # the NIK is not needed here


def test_an_operator_sends_one_application(
    siak, officer_client, make_verified, django_capture_on_commit_callbacks
):
    application = make_verified("KTP")
    client, user = officer_client("operator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}kirim/{application.public_id}/", follow=True)
    assert "masuk antrean kirim ke pusat" in response.content.decode()
    application.refresh_from_db()
    assert application.status == lifecycle.APPROVED
    assert application.events.get(status=lifecycle.SENT_TO_CENTRAL).actor == user
    again = client.post(f"{URL}kirim/{application.public_id}/", follow=True)
    assert "Status tidak dapat diubah" in again.content.decode()
    assert CentralRequest.objects.count() == 1


def test_an_operator_sends_all_verified_at_once(
    siak, officer_client, make_verified, django_capture_on_commit_callbacks
):
    applications = [make_verified("KTP"), make_verified("KK", variant_code=None)]
    client, _ = officer_client("operator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}kirim-semua/", follow=True)
    assert "2 permohonan masuk antrean" in response.content.decode()
    for application in applications:
        application.refresh_from_db()
    assert [a.status for a in applications] == [lifecycle.APPROVED, lifecycle.ISSUED]
    assert "Tidak ada berkas terverifikasi" in client.get(URL).content.decode()


def test_sending_needs_a_post(officer_client, make_verified):
    application = make_verified("KTP")
    client, _ = officer_client("operator")
    assert client.get(f"{URL}kirim/{application.public_id}/").status_code == 405


def test_an_operator_scoped_to_another_kecamatan_neither_sees_nor_sends(
    officer_client, make_verified
):
    application = make_verified("KTP", village=SEPINGGAN)  # kecamatan 647105
    client, _ = officer_client("operator", districts=["647101"])
    assert application.registration_number not in client.get(URL).content.decode()
    assert client.post(f"{URL}kirim/{application.public_id}/").status_code == 403
    client.post(f"{URL}kirim-semua/")
    application.refresh_from_db()
    assert application.status == lifecycle.VERIFIED
    mine, _ = officer_client("operator", districts=["647105"])
    assert application.registration_number in mine.get(URL).content.decode()
