"""An SMS-only resident (no data signal) texts the office number: same engine, answer by SMS."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from channels.models import InboundMessage
from tests.backoffice.conftest import submit_application

pytestmark = pytest.mark.django_db

URL = "/channels/sms/inbound"


def signed(payload: dict, secret: str = "demo-sms-inbound") -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, payload, secret="demo-sms-inbound"):
    body, signature = signed(payload, secret)
    return client.post(URL, body, content_type="application/json", HTTP_X_SIGNATURE=signature)


def test_an_sms_status_query_is_answered_by_sms(
    client, resident, sms_gateway, django_capture_on_commit_callbacks
):
    application = submit_application(resident)
    text = f"status {application.registration_number}"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, {"id": "in-1", "from": "081234567890", "text": text})
    assert response.status_code == 200
    replies = [m["text"] for m in sms_gateway.messages if m["to"] == resident.phone]
    assert any(application.registration_number in r and "Diajukan" in r for r in replies)


def test_another_phone_gets_the_not_found_answer(
    client, resident, sms_gateway, django_capture_on_commit_callbacks
):
    application = submit_application(resident)
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            {
                "id": "x",
                "from": "+6281299990000",
                "text": f"STATUS {application.registration_number}",
            },
        )
    [reply] = [m["text"] for m in sms_gateway.messages if m["to"] == "+6281299990000"]
    assert "tidak ditemukan untuk nomor HP ini" in reply and "Diajukan" not in reply


def test_a_repeated_callback_is_handled_once(
    client, sms_gateway, django_capture_on_commit_callbacks
):
    payload = {"id": "in-7", "from": "+6281234567890", "text": "menu"}
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, payload).json()["status"] == "accepted"
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, payload).json()["status"] == "duplicate"
    assert InboundMessage.objects.count() == 1
    assert len(sms_gateway.messages) == 1


@pytest.mark.parametrize(
    ("body", "signature", "status"),
    [
        (b"{}", "sha256=00", 403),
        (b"not json", None, 400),
        (b'{"id": "1", "from": "12ab", "text": "x"}', None, 400),
        (b'{"id": "1", "from": "+6281234567890"}', None, 400),
        (b"x" * 70_000, None, 413),
    ],
)
def test_forged_or_garbage_callbacks_are_refused(client, body, signature, status):
    if signature is None:
        signature = "sha256=" + hmac.new(b"demo-sms-inbound", body, hashlib.sha256).hexdigest()
    response = client.post(URL, body, content_type="application/json", HTTP_X_SIGNATURE=signature)
    assert response.status_code == status
    assert not InboundMessage.objects.exists()


def test_the_fake_gateway_delivers_inbound_sms_to_loket(live_server, settings, transactional_db):
    from fakes.sms_gateway import serve

    server, state = serve(
        "127.0.0.1", 0, "k", live_server.url + reverse("channels:sms_inbound"), "demo-sms-inbound"
    )
    try:
        assert state.resident_sends("+6281234567890", "menu") == 200
    finally:
        server.server_close()
    assert InboundMessage.objects.filter(conversation__channel="sms").count() == 1
