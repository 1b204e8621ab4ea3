"""Assisted intake through the operator's pages: scope, consent by code or signed form, photo
checks, and replays of the same intake."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from applications import lifecycle
from applications.models import Application
from assisted import services
from assisted.models import AssistedIntake, ConsentCode
from catalogue.models import Service
from notifications.models import OutboxMessage
from tests.assisted.conftest import SEPINGGAN, kia_post, make_operator, photo

pytestmark = pytest.mark.django_db

OTHER_KECAMATAN_VILLAGE = "6471011001"  # not in kec. Balikpapan Selatan


@pytest.fixture
def kia():
    return Service.objects.get(code="KIA")


def test_it_refuses_anyone_but_an_operator(client, officer_client, resident):
    assert client.get("/desa/").status_code == 302
    client.force_login(resident)
    assert client.get("/desa/").status_code == 403
    verifier, _ = officer_client("verifier")
    assert verifier.get("/desa/").status_code == 403


def test_an_operator_sees_the_service_list_and_only_their_villages(operator_client):
    page = operator_client.get("/desa/").content.decode()
    assert "Kartu Identitas Anak" in page or "KIA" in page
    form = operator_client.get("/desa/baru/KIA/").content.decode()
    options = re.findall(r'<option value="(\d{10})"', form)
    assert options == [SEPINGGAN]
    assert 'capture="environment"' in form


def test_a_signed_consent_form_submits_the_application_at_once(operator_client, operator, kia):
    response = operator_client.post("/desa/baru/KIA/", kia_post(kia))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.channel == "assisted"
    assert application.status == lifecycle.SUBMITTED
    assert application.registration_number
    assert application.events.get(status=lifecycle.SUBMITTED).actor == operator
    intake = application.assisted
    assert intake.operator == operator and intake.consented_at and intake.consent_file
    assert application.attachments.count() == 5
    assert application.resident.phone is None  # no phone: an account that cannot sign in
    assert not application.resident.has_usable_password()


def test_consent_by_code_waits_for_the_residents_code(operator_client, operator, kia):
    response = operator_client.post(
        "/desa/baru/KIA/", kia_post(kia, consent="code", phone="0812 3456 7890")
    )
    application = Application.objects.get()
    assert response.url == f"/desa/permohonan/{application.public_id}/"
    assert application.status == lifecycle.DRAFT
    assert application.resident.phone == "+6281234567890"
    sms = OutboxMessage.objects.filter(recipient="+6281234567890").latest("id")
    assert sms.sensitive and "petugas" in sms.body
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    operator_client.post(f"/desa/permohonan/{application.public_id}/persetujuan/", {"code": wrong})
    application.refresh_from_db()
    assert application.status == lifecycle.DRAFT
    assert ConsentCode.objects.get().attempts == 1
    page = operator_client.post(
        f"/desa/permohonan/{application.public_id}/persetujuan/", {"code": code}, follow=True
    ).content.decode()
    application.refresh_from_db()
    assert application.status == lifecycle.SUBMITTED
    assert application.registration_number in page
    # The code is single-use.
    with pytest.raises(services.DomainError):
        services.consent_code_verify(intake=application.assisted, operator=operator, code=code)


def test_an_expired_consent_code_is_refused_with_a_clear_message(operator_client, operator, kia):
    operator_client.post("/desa/baru/KIA/", kia_post(kia, consent="code", phone="081234567890"))
    intake = AssistedIntake.objects.get()
    sms = OutboxMessage.objects.filter(recipient="+6281234567890").latest("id")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    later = timezone.now() + timedelta(minutes=16)
    with pytest.raises(services.DomainError) as refused:
        services.consent_code_verify(intake=intake, operator=operator, code=code, now=later)
    assert "kedaluwarsa" in refused.value.messages[0]
    assert Application.objects.get().status == lifecycle.DRAFT


def test_too_many_wrong_codes_lock_the_code(operator, operator_client, kia):
    operator_client.post("/desa/baru/KIA/", kia_post(kia, consent="code", phone="081234567890"))
    intake = AssistedIntake.objects.get()
    for _ in range(services.CONSENT_MAX_ATTEMPTS):
        with pytest.raises(services.DomainError):
            services.consent_code_verify(intake=intake, operator=operator, code="99999x")
    sms = OutboxMessage.objects.filter(recipient="+6281234567890").latest("id")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    with pytest.raises(services.DomainError) as refused:
        services.consent_code_verify(intake=intake, operator=operator, code=code)
    assert "Terlalu banyak" in refused.value.messages[0]


def test_an_operator_outside_their_area_is_refused_and_nothing_is_kept(operator, kia):
    from django.test import Client

    from tests.conftest import officer_login

    with pytest.raises(services.DomainError) as refused:
        services.assisted_intake_create(
            operator=operator,
            service=kia,
            variant=None,
            data={"village": OTHER_KECAMATAN_VILLAGE, "nik": "x"},
            phone="",
            files={},
            consent_method="form",
            consent_file=photo(),
            client_id=uuid.uuid4(),
        )
    assert "di luar wilayah" in refused.value.messages[0]
    assert not Application.objects.exists()
    # Another village's operator can neither post for Sepinggan nor open its applications.
    stranger = make_operator("op.lain", village=OTHER_KECAMATAN_VILLAGE)
    client = officer_login(Client(), stranger)
    response = client.post("/desa/baru/KIA/", kia_post(kia))
    assert response.status_code == 400  # Sepinggan is not one of the village choices
    assert not Application.objects.exists()
    mine = make_operator("op.kecamatan", "operator_kecamatan", district="647105")
    officer_login(Client(), mine).post("/desa/baru/KIA/", kia_post(kia))
    application = Application.objects.get()
    assert client.get(f"/desa/permohonan/{application.public_id}/").status_code == 404
    assert operator.pk != mine.pk
    own = officer_login(Client(), operator)
    assert own.get(f"/desa/permohonan/{application.public_id}/").status_code == 200
    assert application.registration_number in own.get("/desa/").content.decode()


def test_an_operator_without_an_area_cannot_take_applications(kia):
    from django.test import Client

    from tests.conftest import officer_login

    nobody = make_operator("op.tanpa.wilayah")
    client = officer_login(Client(), nobody)
    assert "belum ditetapkan" in client.get("/desa/").content.decode()
    assert client.post("/desa/baru/KIA/", kia_post(kia)).status_code == 400
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("size", "color", "words"),
    [((320, 240), (220, 200, 180), "terlalu kecil"), ((800, 600), (10, 10, 12), "terlalu gelap")],
)
def test_a_photo_too_small_or_too_dark_is_refused_naming_the_file(
    operator_client, kia, size, color, words
):
    data = kia_post(kia)
    first = next(k for k in data if k.startswith("file_"))
    data[first] = photo("gelap.jpg", size, color)
    response = operator_client.post("/desa/baru/KIA/", data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Application.objects.exists()


def test_missing_files_and_bad_nik_are_refused_before_anything_is_kept(operator_client, kia):
    response = operator_client.post("/desa/baru/KIA/", kia_post(kia, files=False))
    assert response.status_code == 400
    assert "Belum lengkap" in response.content.decode()
    response = operator_client.post("/desa/baru/KIA/", kia_post(kia, nik="12345"))
    assert response.status_code == 400
    assert not Application.objects.exists()
    response = operator_client.post("/desa/baru/KIA/", kia_post(kia, consent="code"))
    assert "nomor HP" in response.content.decode()
    assert not Application.objects.exists()


def test_the_same_intake_sent_twice_makes_one_application(operator_client, kia):
    client_id = uuid.uuid4()
    first = operator_client.post(
        "/desa/baru/KIA/kirim/", kia_post(kia, client_id=client_id), HTTP_ACCEPT="application/json"
    )
    assert first.status_code == 201 and first.json()["created"] is True
    again = operator_client.post("/desa/baru/KIA/kirim/", kia_post(kia, client_id=client_id))
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["number"] == first.json()["number"]
    assert Application.objects.count() == 1
    assert AssistedIntake.objects.get().queued_offline


def test_the_send_endpoint_answers_problems_in_json(operator_client, kia):
    response = operator_client.post("/desa/baru/KIA/kirim/", kia_post(kia, files=False))
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert any("Belum lengkap" in p for p in response.json()["problems"])


def test_the_service_worker_covers_the_operator_pages(client):
    response = client.get("/desa/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/desa/"


def test_large_text_is_a_cookie_set_by_a_plain_form(client):
    response = client.post("/tampilan/huruf/", {"large": "1", "next": "/layanan/"})
    assert response.status_code == 302 and response.url == "/layanan/"
    assert client.cookies["loket_text"].value == "large"
    assert 'class="large-text"' in client.get("/").content.decode()
    response = client.post("/tampilan/huruf/", {"large": "0", "next": "https://evil.example/"})
    assert response.url == "/"
    assert 'class="large-text"' not in client.get("/").content.decode()


def test_a_refused_intake_leaves_no_file_behind(operator_client, kia, settings):
    from pathlib import Path

    data = kia_post(kia)
    last = [k for k in data if k.startswith("file_")][-1]
    data[last] = photo("gelap.jpg", (800, 600), (5, 5, 5))  # refused after the others are stored
    assert operator_client.post("/desa/baru/KIA/", data).status_code == 400
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert not [p for p in root.rglob("*") if p.is_file()]
