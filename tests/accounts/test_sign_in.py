"""Residents sign in with a phone number and a one-time code sent through the SMS gateway."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInCode, User
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def request_code(client, phone="0812-3456-7890", capture=None):
    if capture is None:
        return client.post(reverse("accounts:sign_in"), {"phone": phone})
    with capture(execute=True):
        return client.post(reverse("accounts:sign_in"), {"phone": phone})


def code_from(gateway) -> str:
    return re.search(r"\b(\d{6})\b", gateway.messages[-1]["text"]).group(1)


def test_it_signs_a_resident_in_with_the_code_from_the_sms_gateway(
    client, sms_gateway, django_capture_on_commit_callbacks
):
    response = request_code(client, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:verify")
    assert sms_gateway.messages[-1]["to"] == "+6281234567890"
    response = client.post(reverse("accounts:verify"), {"code": code_from(sms_gateway)})
    assert response.status_code == 302
    user = User.objects.get(phone="+6281234567890")
    assert client.get(reverse("applications:mine")).context["user"] == user
    message = OutboxMessage.objects.get()
    assert message.status == "sent" and code_from(sms_gateway) not in message.body


def test_a_code_is_single_use(client, sms_gateway, django_capture_on_commit_callbacks):
    request_code(client, capture=django_capture_on_commit_callbacks)
    code = code_from(sms_gateway)
    client.post(reverse("accounts:verify"), {"code": code})
    client.logout()
    session = client.session
    session["sign_in_phone"] = "+6281234567890"
    session.save()
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert "Tidak ada kode yang aktif" in response.content.decode()


def test_an_expired_code_is_refused(client, sms_gateway, django_capture_on_commit_callbacks):
    request_code(client, capture=django_capture_on_commit_callbacks)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("accounts:verify"), {"code": code_from(sms_gateway)})
    assert "Kode sudah kedaluwarsa" in response.content.decode()
    assert not User.objects.exists()


def test_wrong_codes_are_counted_and_then_locked(client, settings, sms_gateway):
    settings.OTP_MAX_ATTEMPTS = 2
    request_code(client)
    first = client.post(reverse("accounts:verify"), {"code": "000000"}).content.decode()
    assert "Kode salah. Sisa percobaan: 1." in first
    client.post(reverse("accounts:verify"), {"code": "000001"})
    locked = client.post(reverse("accounts:verify"), {"code": "000002"}).content.decode()
    assert "Terlalu banyak percobaan salah" in locked
    assert SignInCode.objects.get().attempts == 2


def test_codes_are_rate_limited_per_phone(client, settings):
    settings.OTP_MAX_PER_PHONE_PER_HOUR = 2
    base = timezone.now() - timedelta(minutes=30)
    for minutes in (0, 5):
        SignInCode.objects.create(
            phone="+6281234567890",
            code_hash="x",
            created_at=base + timedelta(minutes=minutes),
            expires_at=base,
        )
    response = request_code(client)
    assert "Terlalu banyak permintaan kode untuk nomor ini" in response.content.decode()
    assert SignInCode.objects.count() == 2


def test_codes_are_rate_limited_per_ip(client, settings):
    settings.OTP_MAX_PER_IP_PER_HOUR = 1
    request_code(client, phone="081200000001")
    response = request_code(client, phone="081200000002")
    assert "dari jaringan ini" in response.content.decode()


def test_a_second_code_within_a_minute_is_refused(client):
    request_code(client)
    response = request_code(client)
    assert "Tunggu" in response.content.decode()
    assert SignInCode.objects.count() == 1


def test_a_bad_phone_number_is_explained(client):
    response = request_code(client, phone="12ab")
    assert "Nomor HP tidak valid" in response.content.decode()
    assert not SignInCode.objects.exists()


def test_a_gateway_outage_is_retried_not_lost(
    client, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.fail_next.append(503)
    request_code(client, capture=django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1
    assert "503" in message.last_error
    assert not sms_gateway.messages
    from notifications.tasks import resume_outbox

    resume_outbox()  # what the worker does on start-up, and the deferred retry does later
    message.refresh_from_db()
    assert message.status == "sent" and len(sms_gateway.messages) == 1
