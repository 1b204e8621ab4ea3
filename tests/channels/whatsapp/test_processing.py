"""Handling inbound messages: each once, replies queued with the "done" mark or not at all,
failures kept and flagged for a person, dead workers' messages picked up again."""

import inspect
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from channels import inbound as inbound_module
from channels.models import Conversation, InboundMessage
from channels.tasks import process_inbound, resume_inbound
from channels.whatsapp.client import WhatsAppError
from notifications.models import OutboxMessage
from tests.channels.whatsapp import payloads
from tests.channels.whatsapp.conftest import Reply
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

REAL_RESPONDER = inbound_module.responder


def stored(kind="text", text="menu", media_id="", media_mime="", payload=None, **kw):
    conversation, _ = Conversation.objects.get_or_create(channel="whatsapp", phone="+6281234567890")
    return InboundMessage.objects.create(
        conversation=conversation,
        provider_id=kw.pop("provider_id", f"wamid.{InboundMessage.objects.count() + 1}"),
        kind=kind,
        text=text,
        media_id=media_id,
        media_mime=media_mime,
        payload=payload or {},
        sent_at=datetime(2026, 11, 24, 2, 0, tzinfo=UTC),
        **kw,
    )


def test_a_message_is_handled_once_and_its_reply_queued(engine, whatsapp_cloud):
    inbound = stored(text="halo")
    assert process_inbound.call(inbound.pk) == "done"
    assert process_inbound.call(inbound.pk) == "not received"
    assert engine.calls == [inbound.pk]
    inbound.refresh_from_db()
    assert inbound.state == "done" and inbound.error == ""
    reply = OutboxMessage.objects.get()
    assert (reply.channel, reply.recipient, reply.body) == (
        "whatsapp",
        "+6281234567890",
        "Diterima: halo",
    )


def test_replies_may_be_strings_dicts_or_objects(engine):
    engine.behaviour = lambda conversation, inbound: ["satu", {"body": "dua"}, Reply("tiga")]
    process_inbound.call(stored().pk)
    assert sorted(OutboxMessage.objects.values_list("body", flat=True)) == ["dua", "satu", "tiga"]


def test_an_interactive_reply_is_queued_with_its_payload(engine):
    from notifications.services import queue_message

    if "interactive" not in inspect.signature(queue_message).parameters:
        pytest.skip("queue_message(interactive=...) is not there yet")
    buttons = {"type": "button", "body": {"text": "Pilih"}, "action": {"buttons": []}}
    engine.behaviour = lambda conversation, inbound: [Reply("Pilih", interactive=buttons)]
    assert process_inbound.call(stored().pk) == "done"
    assert OutboxMessage.objects.count() == 1


def test_a_failing_engine_leaves_the_message_failed_and_flagged_for_a_person(engine):
    def broken(conversation, inbound):
        from notifications.services import queue_message

        queue_message(recipient=conversation.phone, body="setengah jalan", channel="whatsapp")
        raise RuntimeError("engine bug")

    engine.behaviour = broken
    inbound = stored()
    assert process_inbound.call(inbound.pk) == "failed"
    inbound.refresh_from_db()
    assert inbound.state == "failed" and "RuntimeError: engine bug" in inbound.error
    assert inbound.conversation.needs_human
    assert not OutboxMessage.objects.exists()  # the half-made reply was rolled back


def test_without_an_engine_the_message_waits_for_a_person(monkeypatch):
    monkeypatch.setattr(inbound_module, "responder", lambda: None)
    inbound = stored()
    assert process_inbound.call(inbound.pk) == "done"
    assert Conversation.objects.get().needs_human


def test_the_engine_is_found_by_module_name(monkeypatch):
    monkeypatch.setattr(inbound_module, "ENGINE_MODULE", "channels.no_such_engine")
    assert REAL_RESPONDER() is None
    monkeypatch.setattr(inbound_module, "ENGINE_MODULE", "tests.channels.whatsapp.conftest")
    assert REAL_RESPONDER() is None  # a module without respond()
    import sys
    import types

    module = types.ModuleType("fake_engine_for_test")
    module.respond = lambda conversation, inbound: []
    monkeypatch.setitem(sys.modules, "fake_engine_for_test", module)
    monkeypatch.setattr(inbound_module, "ENGINE_MODULE", "fake_engine_for_test")
    assert REAL_RESPONDER() is module.respond


def test_a_claim_taken_back_meanwhile_rolls_the_work_back(engine):
    """A worker so slow that resume_inbound gave its message to another: its replies vanish
    and the other worker's handling is the one that counts."""

    def slow(conversation, inbound):
        InboundMessage.objects.filter(pk=inbound.pk).update(
            claimed_at=timezone.now() + timedelta(1)
        )
        return ["terlambat"]

    engine.behaviour = slow
    inbound = stored()
    assert process_inbound.call(inbound.pk) == "reclaimed"
    assert not OutboxMessage.objects.exists()
    assert InboundMessage.objects.get().state == "processing"


def test_resume_picks_up_what_a_dead_worker_left(engine):
    waiting = stored(provider_id="wamid.waiting")
    stale = stored(
        provider_id="wamid.stale",
        state="processing",
        claimed_at=timezone.now() - timedelta(minutes=10),
    )
    fresh = stored(provider_id="wamid.fresh", state="processing", claimed_at=timezone.now())
    done = stored(provider_id="wamid.done", state="done")
    assert resume_inbound() == {"reclaimed": 1, "queued": 2, "notifications": 0}
    states = dict(InboundMessage.objects.values_list("provider_id", "state"))
    assert states == {
        "wamid.waiting": "done",
        "wamid.stale": "done",
        "wamid.fresh": "processing",
        "wamid.done": "done",
    }
    assert sorted(engine.calls) == sorted([waiting.pk, stale.pk])
    assert OutboxMessage.objects.count() == 2
    assert resume_inbound() == {"reclaimed": 0, "queued": 0, "notifications": 0}
    assert fresh.pk not in engine.calls and done.pk not in engine.calls


def test_a_photo_is_fetched_before_the_engine_runs_and_only_once(engine, whatsapp_cloud):
    content = jpeg_bytes()
    media_id = whatsapp_cloud.add_media(content, "image/jpeg")
    seen = []

    def look(conversation, inbound):
        calls_before = len(whatsapp_cloud.calls)
        seen.append(inbound_module.fetch_media(inbound))
        seen.append(inbound_module.fetch_media(inbound))
        assert len(whatsapp_cloud.calls) == calls_before  # no network inside the transaction
        return []

    engine.behaviour = look
    process_inbound.call(stored("image", "", media_id, "image/jpeg").pk)
    assert seen == [(content, "image/jpeg")] * 2
    assert len([c for c in whatsapp_cloud.calls if c[0] == "GET"]) == 2  # metadata, then bytes


def test_a_photo_that_cannot_be_fetched_reaches_the_engine_as_an_error(engine, whatsapp_cloud):
    whatsapp_cloud.fail_next.append(500)
    errors = []

    def look(conversation, inbound):
        with pytest.raises(WhatsAppError) as caught:
            inbound_module.fetch_media(inbound)
        errors.append(caught.value)
        return ["Foto gagal diterima, kirim ulang ya."]

    engine.behaviour = look
    assert process_inbound.call(stored("image", "", "missing", "image/jpeg").pk) == "done"
    assert errors and errors[0].retryable


def test_stickers_and_audio_are_not_downloaded(engine, whatsapp_cloud):
    process_inbound.call(stored("sticker", "", "123", "image/webp").pk)
    process_inbound.call(stored("audio", "", "456", "audio/ogg").pk)
    assert not any(path.endswith(("/123", "/456")) for _, path in whatsapp_cloud.calls)


def test_fetching_media_of_a_text_message_is_an_error():
    with pytest.raises(WhatsAppError):
        inbound_module.fetch_media(stored())


def test_the_choice_id_of_buttons_and_lists(post_webhook):
    for payload in (
        payloads.BUTTON_REPLY,
        payloads.LIST_REPLY,
        payloads.TEMPLATE_BUTTON,
        payloads.TEXT,
    ):
        post_webhook(payload)
    choices = [inbound_module.choice_id(m) for m in InboundMessage.objects.order_by("id")]
    assert choices == ["svc:KIA", "svc:KK", "status", ""]


def test_a_database_hiccup_puts_the_message_back_for_a_later_try(engine):
    from django.db import OperationalError

    def locked(conversation, inbound):
        raise OperationalError("database is locked")

    engine.behaviour = locked
    inbound = stored()
    assert process_inbound.call(inbound.pk) == "retry"
    inbound.refresh_from_db()
    assert inbound.state == "received" and "database is locked" in inbound.error
    assert not inbound.conversation.needs_human
    engine.behaviour = None
    assert resume_inbound() == {"reclaimed": 0, "queued": 1, "notifications": 0}
    inbound.refresh_from_db()
    assert inbound.state == "done"


def test_buttons_are_only_sent_on_whatsapp(engine, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "notifications.services.queue_message", lambda **kwargs: queued.append(kwargs)
    )
    buttons = {"type": "button", "body": {"text": "Pilih"}, "action": {"buttons": []}}
    engine.behaviour = lambda conversation, inbound: [Reply("Pilih:\n1. KTP", buttons)]
    process_inbound.call(stored().pk)
    sms = Conversation.objects.create(channel="sms", phone="+6281299998888")
    message = stored()
    InboundMessage.objects.filter(pk=message.pk).update(conversation=sms)
    process_inbound.call(message.pk)
    assert [q["channel"] for q in queued] == ["whatsapp", "sms"]
    assert queued[0]["interactive"] == buttons and "interactive" not in queued[1]
    assert queued[1]["body"] == "Pilih:\n1. KTP"
