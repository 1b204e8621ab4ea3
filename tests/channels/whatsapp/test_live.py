"""End to end against the fake Cloud API: it signs and posts webhooks to the live server, Loket
answers through the Graph API. Duplicates, 429/500/timeouts and a worker dying mid-conversation
end with every message handled once and every reply sent once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from fakes.whatsapp_cloud import failure, text_message

from channels.models import InboundMessage
from channels.tasks import resume_inbound
from notifications.models import OutboxMessage
from notifications.tasks import resume_outbox
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+6281234567890"


def test_a_resident_writes_and_gets_one_answer(live_webhook, engine):
    message = text_message(PHONE, "halo")
    assert live_webhook.resident_sends(PHONE, message) == 200
    assert live_webhook.resident_sends(PHONE, message) == 200  # Meta delivers it again
    assert live_webhook.texts_to(PHONE) == ["Diterima: halo"]
    assert InboundMessage.objects.get().state == "done"
    assert len(engine.calls) == 1


def test_delivery_statuses_come_back_to_the_outbox(live_webhook):
    live_webhook.resident_sends_text(PHONE, "halo")
    reply = OutboxMessage.objects.get(channel="whatsapp")
    assert reply.provider_id == live_webhook.sent[-1]["id"]
    for name in ("read", "delivered", "sent"):  # out of order
        assert live_webhook.post_status(reply.provider_id, name) == 200
    reply.refresh_from_db()
    assert reply.delivery_status == "read"


def test_an_undeliverable_reply_falls_back_to_sms(live_webhook, sms_gateway):
    from notifications import services

    if not hasattr(services, "whatsapp_failed_fallback"):
        pytest.skip("notifications.services.whatsapp_failed_fallback is not there yet")
    live_webhook.resident_sends_text(PHONE, "halo")
    reply = OutboxMessage.objects.get(channel="whatsapp")
    assert live_webhook.post_status(reply.provider_id, "failed", [failure()]) == 200
    reply.refresh_from_db()
    assert reply.status == "failed"
    assert [m["text"] for m in sms_gateway.messages] == ["Diterima: halo"]


@pytest.mark.parametrize("trouble", [[429], [500, 503], ["timeout"]])
def test_a_struggling_graph_api_still_gets_each_reply_once(live_webhook, settings, trouble):
    settings.HTTP_TIMEOUT_SECONDS = 1
    live_webhook.fail_next.extend(trouble)
    assert live_webhook.resident_sends_text(PHONE, "halo") == 200
    reply = OutboxMessage.objects.get(channel="whatsapp")
    assert reply.status == "pending" and reply.last_error  # waiting for its retry
    for _ in trouble:
        resume_outbox(now=timezone.now())  # the worker's retry
    assert live_webhook.texts_to(PHONE) == ["Diterima: halo"]
    resume_outbox()
    assert live_webhook.texts_to(PHONE) == ["Diterima: halo"]


def test_a_worker_dying_mid_conversation_loses_nothing(live_webhook, engine, monkeypatch):
    from channels import tasks

    # The worker dies right after claiming the message: nothing handled, nothing sent.
    with monkeypatch.context() as patched:
        patched.setattr(tasks, "handle_new_inbound", lambda ids: None)
        live_webhook.resident_sends_text(PHONE, "halo")
    InboundMessage.objects.update(
        state="processing", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert live_webhook.texts_to(PHONE) == []
    # A new worker starts.
    assert resume_inbound() == {"reclaimed": 1, "queued": 1, "notifications": 0}
    assert live_webhook.texts_to(PHONE) == ["Diterima: halo"]
    assert resume_inbound() == {"reclaimed": 0, "queued": 0, "notifications": 0}
    assert live_webhook.texts_to(PHONE) == ["Diterima: halo"]


def test_a_photo_and_a_button_reach_the_engine(live_webhook, engine):
    seen = []

    def look(conversation, inbound):
        from channels.inbound import choice_id, fetch_media

        if inbound.kind == "image":
            seen.append(fetch_media(inbound))
        else:
            seen.append(choice_id(inbound))
        return []

    engine.behaviour = look
    photo = jpeg_bytes()
    assert live_webhook.resident_sends_image(PHONE, photo, "image/jpeg", caption="KK") == 200
    assert live_webhook.resident_presses_button(PHONE, "svc:KIA", "KIA") == 200
    assert seen == [(photo, "image/jpeg"), "svc:KIA"]


def test_a_forged_webhook_from_elsewhere_is_refused(live_webhook, engine):
    live_webhook.app_secret = "not-the-app-secret"
    assert live_webhook.resident_sends_text(PHONE, "halo") == 403
    assert not InboundMessage.objects.exists() and engine.calls == []
