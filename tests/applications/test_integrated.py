"""Integrated services: one akta kematian application also yields the family's new KK and the
surviving spouse's KTP-el change, sharing the files already sent, on one tracking page."""

import pytest
from django.urls import reverse

from applications.models import Application
from notifications.models import OutboxMessage
from tests.applications.test_web_flow import put_file
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

DECEASED_NIK = "6471050505500002"  # kec. 647105, male, born 5 May 1950
AKM_DATA = {
    "nik": DECEASED_NIK,
    "no_kk": BALIKPAPAN_KK,
    "name": "Budi Santoso",
    "event_date": "2026-11-20",
    "event_place": "RSUD Balikpapan",
    "village": "6471051002",
    "surviving_spouse_nik": BALIKPAPAN_WOMAN_NIK,
    "surviving_spouse_name": "Siti Aminah",
}


def apply_for_akm(client, resident, **overrides):
    response = client.post(reverse("applications:start", args=["AKM"]), {**AKM_DATA, **overrides})
    assert response.status_code == 302, response.content.decode()[:2000]
    akm = Application.objects.get(resident=resident, service__code="AKM")
    put_file(client, akm, "surat_kematian", pdf_bytes(), "surat.pdf")
    put_file(client, akm, "kk", jpeg_bytes())
    put_file(client, akm, "ktp_pelapor", jpeg_bytes(color=(10, 20, 30)))
    client.post(reverse("applications:submit", args=[akm.public_id]))
    akm.refresh_from_db()
    return akm


def test_an_akta_kematian_yields_the_new_kk_and_the_spouse_ktp(
    resident_client, resident, sms_gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        akm = apply_for_akm(resident_client, resident)
    assert akm.status == "submitted"
    kk, ktp = akm.linked.order_by("service__code")
    assert (kk.service.code, kk.variant.code, kk.status) == ("KK", "PERUBAHAN", "submitted")
    assert kk.data["no_kk"] == BALIKPAPAN_KK and kk.nik == BALIKPAPAN_WOMAN_NIK
    assert (ktp.service.code, ktp.variant.code, ktp.status) == ("KTP", "PERUBAHAN", "submitted")
    assert ktp.nik == BALIKPAPAN_WOMAN_NIK and ktp.data["sex"] == "P"
    assert ktp.data["birth_date"] == "1990-07-01"
    for child in (kk, ktp):
        assert child.registration_number and child.promise_date
        assert child.resident == resident and child.linked_to == akm

    # The files were sent once and serve every linked application, each keeping its own copy.
    sent = {a.requirement.code: a for a in akm.attachments.select_related("requirement")}
    kk_files = {a.requirement.code: a for a in kk.attachments.select_related("requirement")}
    assert kk_files["kk_lama"].sha256 == sent["kk"].sha256
    assert kk_files["bukti_peristiwa"].sha256 == sent["surat_kematian"].sha256
    assert kk_files["kk_lama"].file.name != sent["kk"].file.name
    with kk_files["kk_lama"].file.open("rb") as copy, sent["kk"].file.open("rb") as original:
        assert copy.read() == original.read()
    ktp_files = {a.requirement.code for a in ktp.attachments.select_related("requirement")}
    assert ktp_files == {"kk", "bukti_perubahan"}

    # One notice for the whole request, and one tracking page listing all three.
    assert OutboxMessage.objects.filter(application__in=[kk, ktp]).count() == 0
    assert OutboxMessage.objects.filter(application=akm).count() == 1
    for application in (akm, kk, ktp):
        page = resident_client.get(reverse("applications:detail", args=[application.public_id]))
        html = page.content.decode()
        assert "Permohonan terpadu" in html
        for member in (akm, kk, ktp):
            assert member.registration_number in html


def test_without_a_surviving_spouse_only_the_kk_changes(resident_client, resident, sms_gateway):
    akm = apply_for_akm(
        resident_client, resident, surviving_spouse_nik="", surviving_spouse_name=""
    )
    (kk,) = akm.linked.all()
    assert kk.service.code == "KK" and kk.nik == DECEASED_NIK


def test_a_spouse_nik_without_a_name_is_refused_and_nothing_is_created(resident_client, resident):
    response = resident_client.post(
        reverse("applications:start", args=["AKM"]), {**AKM_DATA, "surviving_spouse_name": ""}
    )
    assert response.status_code == 200
    assert "Isi juga kolom ini, atau kosongkan keduanya." in response.content.decode()
    assert not Application.objects.exists()


def test_a_wrong_spouse_nik_gets_the_nik_message(resident_client, resident):
    response = resident_client.post(
        reverse("applications:start", args=["AKM"]),
        {**AKM_DATA, "surviving_spouse_nik": "64710512345"},
    )
    assert response.status_code == 200
    assert "NIK harus 16 angka; yang diisi 11 angka." in response.content.decode()
    assert not Application.objects.exists()


def test_a_lone_application_shows_no_integrated_section(resident_client, resident):
    from tests.applications.test_web_flow import start_ktp

    start_ktp(resident_client)
    application = Application.objects.get(resident=resident)
    page = resident_client.get(reverse("applications:detail", args=[application.public_id]))
    assert "Permohonan terpadu" not in page.content.decode()
