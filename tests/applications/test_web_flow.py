"""A resident applies from the web: data, files, checklist, submission, tracking."""

import re
from datetime import date

import pytest
from django.urls import reverse

from applications.models import Application, Attachment, Event
from notifications.models import OutboxMessage
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, jpeg_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

KTP_DATA = {
    "variant": "HILANG",
    "nik": BALIKPAPAN_WOMAN_NIK,
    "no_kk": BALIKPAPAN_KK,
    "name": "Siti Aminah",
    "sex": "P",
    "birth_date": "1990-07-01",
    "village": "6471051002",
    "address": "Jl. Sudirman No. 1 RT 02",
}


def start_ktp(client, **overrides):
    return client.post(reverse("applications:start", args=["KTP"]), {**KTP_DATA, **overrides})


def draft_of(resident) -> Application:
    return Application.objects.get(resident=resident)


def requirement_ids(application):
    return {
        a.requirement.code: a.requirement.id
        for a in []  # filled below from the checklist
    } or {
        r.code: r.id
        for r in application.service.requirements.all()
        if r.variant_id in (None, application.variant_id)
    }


def put_file(client, application, code, content, name="scan.jpg"):
    url = reverse(
        "applications:upload", args=[application.public_id, requirement_ids(application)[code]]
    )
    return client.post(url, {"file": upload(name, content)})


def test_it_asks_for_sign_in_before_applying(client):
    response = client.get(reverse("applications:start", args=["KTP"]))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]


def test_it_applies_for_a_lost_ktp_with_a_missing_file_first(
    resident_client, resident, sms_gateway, django_capture_on_commit_callbacks
):
    response = start_ktp(resident_client)
    assert response.status_code == 302
    application = draft_of(resident)
    assert application.status == "draft" and application.nik == BALIKPAPAN_WOMAN_NIK

    put_file(resident_client, application, "kk", jpeg_bytes())
    page = resident_client.get(reverse("applications:detail", args=[application.public_id]))
    html = page.content.decode()
    assert "Masih kurang 1 berkas" in html
    assert "Surat keterangan kehilangan dari kepolisian" in html

    refused = resident_client.post(
        reverse("applications:submit", args=[application.public_id]), follow=True
    )
    assert "Belum lengkap" in refused.content.decode()
    application.refresh_from_db()
    assert application.status == "draft" and application.registration_number is None
    assert not Event.objects.exists()

    put_file(resident_client, application, "surat_kehilangan", pdf_bytes(), "laporan.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        done = resident_client.post(
            reverse("applications:submit", args=[application.public_id]), follow=True
        )
    application.refresh_from_db()
    assert application.status == "submitted"
    assert re.fullmatch(r"KTP-\d{6}-[2-9A-HJ-NP-Z]{6}", application.registration_number)
    assert application.promise_date > application.submitted_at.date()
    html = done.content.decode()
    assert application.registration_number in html
    assert "Diajukan" in html
    assert [e.status for e in application.events.all()] == ["submitted"]
    [sms] = sms_gateway.messages
    assert sms["to"] == "+6281234567890" and application.registration_number in sms["text"]
    assert OutboxMessage.objects.get().status == "sent"


def test_a_double_submit_is_refused_without_a_second_number(resident_client, resident):
    start_ktp(resident_client, variant="PEMULA")
    application = draft_of(resident)
    put_file(resident_client, application, "kk", jpeg_bytes())
    url = reverse("applications:submit", args=[application.public_id])
    resident_client.post(url)
    number = Application.objects.get().registration_number
    again = resident_client.post(url, follow=True)
    assert "sudah diajukan" in again.content.decode()
    assert Application.objects.get().registration_number == number
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "12345", "NIK harus 16 angka"),
        ("nik", "9999994107900001", "bukan kode kecamatan"),
        ("nik", "6471053202900001", "bukan tanggal lahir yang benar"),
        ("sex", "L", "Jenis kelamin tidak sesuai dengan NIK"),
        ("birth_date", "1990-07-02", "Tanggal lahir tidak sesuai dengan NIK"),
        ("no_kk", "64710501011000", "Nomor KK harus 16 angka"),
        ("no_kk", "0000000101100003", "Enam angka pertama Nomor KK"),
    ],
)
def test_bad_identity_data_is_explained_and_nothing_is_saved(
    resident_client, field, value, message
):
    response = start_ktp(resident_client, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_it_explains_bad_identity_data_in_english(resident_client):
    resident_client.cookies["django_language"] = "en"
    response = start_ktp(resident_client, nik="12345")
    assert "A NIK has 16 digits; 5 were entered." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jpg", b"", "Berkas kosong"),
        (
            "virus.jpg",
            b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
            "Isi berkas bukan JPG, PNG, PDF",
        ),
        ("cut.pdf", pdf_bytes()[:-60], "PDF rusak atau tidak lengkap"),
        ("cut.jpg", jpeg_bytes((400, 300))[:300], "Gambar rusak"),
    ],
)
def test_bad_files_are_refused_with_a_reason(resident_client, resident, name, content, message):
    start_ktp(resident_client)
    application = draft_of(resident)
    response = put_file(resident_client, application, "kk", content, name)
    assert response["Location"].endswith("#messages")  # the reason is on screen
    page = resident_client.get(response["Location"])
    assert message in page.content.decode()
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused(resident_client, resident, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    start_ktp(resident_client)
    application = draft_of(resident)
    response = put_file(resident_client, application, "kk", jpeg_bytes((800, 800)))
    assert "Berkas terlalu besar" in resident_client.get(response["Location"]).content.decode()
    assert not Attachment.objects.exists()


def test_an_image_is_reencoded_without_trailing_payload(resident_client, resident):
    start_ktp(resident_client)
    application = draft_of(resident)
    put_file(resident_client, application, "kk", jpeg_bytes() + b"<?php evil(); ?>")
    attachment = Attachment.objects.get()
    stored = attachment.file.read()
    assert stored.startswith(b"\xff\xd8") and b"evil" not in stored


def test_replacing_a_file_keeps_one_file_per_requirement(
    resident_client, resident, django_capture_on_commit_callbacks
):
    start_ktp(resident_client)
    application = draft_of(resident)
    put_file(resident_client, application, "kk", jpeg_bytes(color=(1, 2, 3)))
    first = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        put_file(resident_client, application, "kk", jpeg_bytes(color=(200, 2, 3)))
    second = Attachment.objects.get()
    assert first.sha256 != second.sha256
    assert not first.file.storage.exists(first.file.name)


def test_another_resident_never_sees_the_application(
    resident_client, resident, other_resident, client
):
    start_ktp(resident_client)
    application = draft_of(resident)
    put_file(resident_client, application, "kk", jpeg_bytes())
    attachment = Attachment.objects.get()
    client.force_login(other_resident)
    for url in (
        reverse("applications:detail", args=[application.public_id]),
        reverse("applications:edit", args=[application.public_id]),
        reverse("applications:file", args=[application.public_id, attachment.id]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("applications:submit", args=[application.public_id])).status_code == 404
    )
    assert BALIKPAPAN_WOMAN_NIK not in client.get(reverse("applications:mine")).content.decode()


def test_a_kia_photo_is_required_only_from_age_five(resident_client, resident):
    kia = {
        "nik": "6471051503180002",
        "no_kk": BALIKPAPAN_KK,
        "name": "Budi",
        "sex": "L",
        "birth_date": "2018-03-15",
        "village": "6471051002",
        "address": "Jl. Sudirman No. 1",
    }
    resident_client.post(reverse("applications:start", args=["KIA"]), kia)
    application = draft_of(resident)
    html = resident_client.get(
        reverse("applications:detail", args=[application.public_id])
    ).content.decode()
    assert "Masih kurang 5 berkas" in html
    assert date.fromisoformat(application.data["birth_date"]).year == 2018


def test_the_service_page_shows_the_standar_pelayanan_in_both_languages(client):
    html = client.get("/layanan/KTP/").content.decode()
    for text in (
        "Persyaratan",
        "Gratis",
        "hari kerja",
        "Perekaman biometrik",
        "Pengaduan",
        "KTP-el",
    ):
        assert text in html
    client.cookies["django_language"] = "en"
    html = client.get("/layanan/KTP/").content.decode()
    for text in ("Requirements", "Free", "working days", "Biometric recording", "Complaints"):
        assert text in html
