"""Review findings kept fixed: odd input never becomes a 500, proxies, scopes, lost messages."""

import pytest
from django.test import RequestFactory

from accounts.access import district_scope
from loket.http import client_ip
from notifications.models import OutboxMessage
from notifications.services import queue_message
from notifications.tasks import deliver_message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/applications/%00/status?nik=1",
        "/api/v1/applications/KTP-1/status?nik=64%00",
        "/layanan/KTP%00/",
        "/api/v1/services/KTP%00/promise-date",
    ],
)
def test_a_nul_byte_is_a_400_on_every_database(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("moment", ["9999-12-31T12:00:00", "0001-01-01T00:00:00+14:00"])
def test_promise_dates_outside_the_calendar_are_refused(client, moment):
    response = client.get("/api/v1/services/KTP/promise-date", {"submitted_at": moment})
    assert response.status_code == 400


def test_the_client_address_comes_from_a_trusted_proxy_only(settings):
    settings.TRUSTED_PROXIES = {"10.0.0.5"}
    factory = RequestFactory()
    behind = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.5")
    assert client_ip(behind) == "1.2.3.4"
    spoofed = factory.get("/", REMOTE_ADDR="5.6.7.8", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(spoofed) == "5.6.7.8"


def test_another_role_does_not_lift_a_verifiers_kecamatan_scope(officer_client):
    _, officer = officer_client("verifier", "pickup_desk", districts=["647105"])
    assert district_scope(officer) == {"647105"}
    _, head = officer_client("verifier", "head_of_section", districts=["647105"])
    assert district_scope(head) is None


def test_an_accepted_answer_without_json_does_not_strand_a_message(sms_gateway, monkeypatch):
    import httpx

    real_post = httpx.Client.post

    def odd_gateway(self, *args, **kwargs):
        real_post(self, *args, **kwargs)  # the gateway really receives it
        return httpx.Response(202, text="OK")  # accepted, but not JSON

    monkeypatch.setattr(httpx.Client, "post", odd_gateway)
    message = queue_message(recipient="+6281234567890", body="halo")
    assert deliver_message.call(message.pk) == "sent"
    assert OutboxMessage.objects.get().status == "sent"


def test_a_failed_sign_in_code_is_wiped_and_never_resent(sms_gateway):
    from notifications.services import message_retry

    message = queue_message(recipient="+6281234567890", body="123456 adalah kode", sensitive=True)
    sms_gateway.fail_next.append(400)
    deliver_message.call(message.pk)
    message.refresh_from_db()
    assert message.status == "failed" and "123456" not in message.body
    assert message_retry(message=message).status == "failed"
