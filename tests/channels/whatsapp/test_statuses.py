"""Delivery statuses: applied to the outbox message with that id, never backwards; a failure
marks the message failed and hands it to the SMS fallback once."""

import pytest

from channels import tasks
from notifications.models import DeliveryAttempt, OutboxMessage
from tests.channels.whatsapp import payloads
from tests.channels.whatsapp.payloads import RE_ENGAGEMENT, UNDELIVERABLE, status, statuses

pytestmark = pytest.mark.django_db

WAMID = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ2QUJDREVGMDEyMzQ1Njc4OQA="


@pytest.fixture
def sent_message():
    return OutboxMessage.objects.create(
        channel="whatsapp",
        recipient="+6281234567890",
        body="Permohonan Anda diterima.",
        status=OutboxMessage.SENT,
        provider_id=WAMID,
        attempts=1,
    )


@pytest.fixture
def fallback_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "notifications.services.whatsapp_failed_fallback",
        lambda message: calls.append(message.pk),
        raising=False,
    )
    return calls


def post_statuses(post_webhook, *names, errors=None):
    for name in names:
        item = status(WAMID, name, errors=errors if name == "failed" else None)
        assert post_webhook(statuses(item)).status_code == 200


def test_statuses_in_order_move_the_message_forward(post_webhook, sent_message):
    for name in ("sent", "delivered", "read"):
        post_statuses(post_webhook, name)
        sent_message.refresh_from_db()
        assert sent_message.delivery_status == name
    outcomes = [a.outcome for a in DeliveryAttempt.objects.filter(message=sent_message)]
    assert outcomes == ["delivered", "read"]


@pytest.mark.parametrize(
    "order, final",
    [
        (("read", "delivered", "sent"), "read"),
        (("delivered", "sent"), "delivered"),
        (("read", "sent", "delivered", "read"), "read"),
        (("sent", "read", "delivered"), "read"),
    ],
)
def test_late_statuses_never_move_it_back(post_webhook, sent_message, order, final):
    post_statuses(post_webhook, *order)
    sent_message.refresh_from_db()
    assert sent_message.delivery_status == final
    assert sent_message.status == OutboxMessage.SENT


def test_a_failure_marks_the_message_failed_and_falls_back_once(
    post_webhook, sent_message, fallback_calls
):
    post_statuses(
        post_webhook, "sent", "failed", "failed", "sent", "delivered", errors=[UNDELIVERABLE]
    )
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxMessage.FAILED
    assert sent_message.delivery_status == "failed"
    assert "131026" in sent_message.last_error and "undeliverable" in sent_message.last_error
    assert DeliveryAttempt.objects.filter(message=sent_message, outcome="failed").count() == 1
    assert fallback_calls == [sent_message.pk]


def test_a_failure_after_delivery_is_ignored(post_webhook, sent_message, fallback_calls):
    post_statuses(post_webhook, "delivered", "failed", errors=[UNDELIVERABLE])
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxMessage.SENT and sent_message.delivery_status == "delivered"
    assert fallback_calls == []


def test_a_failure_without_errors_still_says_why(post_webhook, sent_message, fallback_calls):
    post_statuses(post_webhook, "failed")
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxMessage.FAILED
    assert "tanpa keterangan" in sent_message.last_error


def test_the_real_fallback_queues_an_sms_copy(post_webhook, sent_message, sms_gateway):
    from notifications import services

    if not hasattr(services, "whatsapp_failed_fallback"):
        pytest.skip("notifications.services.whatsapp_failed_fallback is not there yet")
    post_statuses(post_webhook, "failed", errors=[RE_ENGAGEMENT])
    fallback = OutboxMessage.objects.get(fallback_of=sent_message)
    assert fallback.channel == "sms" and fallback.recipient == sent_message.recipient
    assert fallback.status == OutboxMessage.SENT  # delivered on commit, by the fake gateway
    assert [m["text"] for m in sms_gateway.messages] == [sent_message.body]
    post_statuses(post_webhook, "failed", errors=[RE_ENGAGEMENT])
    assert OutboxMessage.objects.filter(fallback_of=sent_message).count() == 1


def test_an_sms_with_the_same_provider_id_is_not_touched(post_webhook, sent_message):
    sms = OutboxMessage.objects.create(
        channel="sms", recipient="+6281234567890", body="x", status="sent", provider_id=WAMID
    )
    post_statuses(post_webhook, "read")
    sms.refresh_from_db()
    assert sms.delivery_status == ""


@pytest.mark.parametrize("name", ["deleted", "warning", "accepted", "x" * 40])
def test_unknown_status_kinds_are_acknowledged_and_ignored(post_webhook, sent_message, name):
    assert post_webhook(statuses(status(WAMID, name))).status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.delivery_status == ""


def test_a_status_for_an_unknown_message_is_acknowledged(post_webhook):
    assert post_webhook(statuses(status("wamid.not-ours", "failed"))).status_code == 200
    assert not OutboxMessage.objects.exists()


def test_a_status_that_outran_the_send_is_applied_on_a_later_try(sent_message, fallback_calls):
    """Meta can report a message before the worker that sent it has saved its id."""
    raw = status("wamid.saved-later", "failed", errors=[UNDELIVERABLE])
    assert tasks.retry_status.call(raw, 0) == "unknown"
    OutboxMessage.objects.filter(pk=sent_message.pk).update(provider_id="wamid.saved-later")
    assert tasks.retry_status.call(raw, 1) == "applied"
    assert fallback_calls == [sent_message.pk]
    assert tasks.retry_status.call({"status": 3}, 0) == "unreadable"


def test_unmatched_statuses_are_deferred_only_where_the_backend_can(monkeypatch):
    assert tasks.defer_status({"id": "x"}, 0) is False  # the in-process test backend
    enqueued = []

    class DeferringTask:  # a backend with run_after, like the database one in production
        supports_defer = True

        def get_backend(self):
            return self

        def using(self, *, run_after):
            return self

        def enqueue(self, raw, attempt):
            enqueued.append(attempt)

    monkeypatch.setattr(tasks, "retry_status", DeferringTask())
    assert tasks.defer_status({"id": "x"}, 0) is True
    assert tasks.defer_status({"id": "x"}, len(tasks.STATUS_RETRY_DELAYS)) is False
    assert enqueued == [0]


def test_a_message_and_statuses_in_one_notification(post_webhook, sent_message, engine):
    payload = payloads.envelope(
        {
            "contacts": payloads.TEXT["entry"][0]["changes"][0]["value"]["contacts"],
            "messages": payloads.TEXT["entry"][0]["changes"][0]["value"]["messages"],
            "statuses": [status(WAMID, "read")],
        }
    )
    assert post_webhook(payload).status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.delivery_status == "read"
    assert len(engine.calls) == 1


def test_a_broken_fallback_leaves_the_failure_visible_and_answers_200(
    post_webhook, sent_message, monkeypatch
):
    def broken(message):
        OutboxMessage.objects.create(channel="sms", recipient="x", body="half", fallback_of=message)
        raise RuntimeError("fallback bug")

    monkeypatch.setattr("notifications.services.whatsapp_failed_fallback", broken, raising=False)
    post_statuses(post_webhook, "failed", errors=[UNDELIVERABLE])
    sent_message.refresh_from_db()
    assert sent_message.status == OutboxMessage.FAILED
    assert not OutboxMessage.objects.filter(fallback_of=sent_message).exists()  # rolled back
    details = list(DeliveryAttempt.objects.values_list("detail", flat=True))
    assert any("RuntimeError" in d for d in details)
