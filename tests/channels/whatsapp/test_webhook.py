"""The webhook: subscription check, notifications stored once, bad posts refused with a 4xx."""

import json
from datetime import UTC, datetime

import pytest

from channels.models import Conversation, InboundMessage
from tests.channels.whatsapp import payloads
from tests.channels.whatsapp.conftest import WEBHOOK_PATH

pytestmark = pytest.mark.django_db


# --- GET: Meta's subscription check ------------------------------------------------------------


def test_the_subscription_check_echoes_the_challenge(client):
    response = client.get(
        WEBHOOK_PATH,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "test-verify-token",
            "hub.challenge": "1158201444",
        },
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token"},
        {},
    ],
)
def test_a_wrong_subscription_check_is_refused(client, params):
    assert client.get(WEBHOOK_PATH, params).status_code == 403


def test_other_methods_are_not_allowed(client):
    assert client.put(WEBHOOK_PATH, b"{}", content_type="application/json").status_code == 405


# --- POST: what gets stored --------------------------------------------------------------------


def test_a_text_message_starts_a_conversation(post_webhook, engine):
    assert post_webhook(payloads.TEXT).status_code == 200
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.phone) == ("whatsapp", "+6281234567890")
    assert conversation.last_inbound_at == datetime.fromtimestamp(1732412345, tz=UTC)
    inbound = InboundMessage.objects.get()
    assert inbound.provider_id.startswith("wamid.")
    assert inbound.kind == "text" and inbound.text.startswith("#KTP#6471054107900001#")
    assert inbound.payload["contact"]["profile"]["name"] == "Siti Aminah"
    assert inbound.payload["text"]["body"] == inbound.text
    assert inbound.state == "done"  # handled on commit (in-process task backend)
    assert engine.calls == [inbound.pk]


@pytest.mark.parametrize("name", list(payloads.VALID))
def test_every_captured_notification_is_accepted(post_webhook, name):
    payload, expected = payloads.VALID[name]
    assert post_webhook(payload).status_code == 200
    stored = [(m.kind, m.text, m.media_id) for m in InboundMessage.objects.order_by("id")]
    assert stored == expected


def test_media_messages_keep_their_media_id_and_type(post_webhook):
    post_webhook(payloads.IMAGE)
    post_webhook(payloads.DOCUMENT)
    image, document = InboundMessage.objects.order_by("id")
    assert (image.media_id, image.media_mime) == ("1234567890123456", "image/jpeg")
    assert document.payload["document"]["filename"] == "akta.pdf"


def test_one_notification_with_two_residents_makes_two_conversations(post_webhook, engine):
    post_webhook(payloads.TWO_MESSAGES)
    assert sorted(Conversation.objects.values_list("phone", flat=True)) == [
        "+6281234567890",
        "+6281299998888",
    ]
    assert len(engine.calls) == 2


def test_a_redelivered_webhook_is_stored_and_handled_once(post_webhook, engine):
    for _ in range(3):
        assert post_webhook(payloads.TEXT).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert len(engine.calls) == 1


def test_a_duplicate_inside_one_notification_is_stored_once(post_webhook, engine):
    payload = json.loads(json.dumps(payloads.TEXT))
    value = payload["entry"][0]["changes"][0]["value"]
    value["messages"] = value["messages"] * 2
    assert post_webhook(payload).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert len(engine.calls) == 1


def test_the_same_id_from_another_resident_is_another_message(post_webhook):
    payload = json.loads(json.dumps(payloads.TEXT))
    post_webhook(payload)
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["from"] = "6281299998888"
    post_webhook(payload)
    assert InboundMessage.objects.count() == 2


def test_the_window_follows_the_latest_message_and_never_the_future(post_webhook):
    post_webhook(payloads.TEXT)
    older = json.loads(json.dumps(payloads.TEXT_EMOJI))
    older["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = "1732400000"
    post_webhook(older)
    conversation = Conversation.objects.get()
    assert conversation.last_inbound_at == datetime.fromtimestamp(1732412345, tz=UTC)
    future = json.loads(json.dumps(payloads.LOCATION))
    future["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = "4102444800"  # 2100
    post_webhook(future)
    conversation.refresh_from_db()
    assert conversation.last_inbound_at <= datetime.now(UTC)


def test_emoji_and_non_latin_text_survive_the_signature(post_webhook):
    assert post_webhook(payloads.TEXT_EMOJI).status_code == 200
    assert InboundMessage.objects.get().text == "Halo kak 🙏 mau tanya KTP ✨ — terima kasih"


def test_a_notification_for_another_number_is_acknowledged_and_ignored(post_webhook, engine):
    payload, _ = payloads.VALID["other_number"]
    assert post_webhook(payload).status_code == 200
    assert not Conversation.objects.exists() and engine.calls == []


# --- POST: refused -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(payloads.MALFORMED))
def test_a_malformed_notification_gets_a_400_and_changes_nothing(post_webhook, name, engine):
    response = post_webhook(body=payloads.MALFORMED[name])
    assert response.status_code == 400
    assert not Conversation.objects.exists()
    assert not InboundMessage.objects.exists()
    assert engine.calls == []


def test_a_5_mb_body_is_refused_without_a_500(post_webhook):
    body = json.dumps({"object": "whatsapp_business_account", "pad": "x" * 5_000_000}).encode()
    response = post_webhook(body=body)
    assert response.status_code == 413
    assert not InboundMessage.objects.exists()


def test_a_5_mb_text_within_a_valid_shape_is_refused_too(post_webhook):
    payload = json.loads(json.dumps(payloads.TEXT))
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = "A" * 5_000_000
    assert post_webhook(payload).status_code == 413


def _library_worker_runs(row):
    """What db_worker does with one ready row, without closing connections."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    claimed = DBTaskResult.objects.get_locked()
    assert claimed == row
    claimed.claim(worker.worker_id)
    worker.run_task(claimed)
    row.refresh_from_db()
    return row


def test_with_the_database_queue_the_webhook_writes_one_task_row(
    client, settings, engine, django_capture_on_commit_callbacks
):
    """Production's queue lives in the same database: the webhook's only write is the task
    row holding the notification; nothing runs inside the request. The library's own worker
    finds the row as if its backend had written it, stores the message and handles it."""
    from django_tasks_db.models import DBTaskResult
    from fakes.whatsapp_cloud import encode, sign

    from tests.channels.whatsapp.conftest import APP_SECRET

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    body = encode(payloads.TEXT)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            WEBHOOK_PATH,
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=sign(body, APP_SECRET),
        )
    assert response.status_code == 200
    assert callbacks == []  # nothing left for after the commit
    assert not InboundMessage.objects.exists() and engine.calls == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "channels.tasks.receive_notification"
    assert task.args_kwargs["args"] == [payloads.TEXT]
    assert task.status == "READY" and task.priority == 0 and task.backend_name == "default"
    assert list(DBTaskResult.objects.ready()) == [task]

    task = _library_worker_runs(task)
    assert task.status == "SUCCESSFUL", task.traceback
    inbound = InboundMessage.objects.get()
    assert inbound.state == "done" and len(engine.calls) == 1
    assert task.return_value == "1 new, 0 duplicate, 0 statuses"


def test_a_worker_dying_before_storing_loses_nothing(client, settings, engine):
    """A row left "running" by a dead worker, or failed on a database error, is made ready
    again by the resume sweep; running it twice stores and answers the message once."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from fakes.whatsapp_cloud import encode, sign

    from channels.tasks import resume_inbound
    from tests.channels.whatsapp.conftest import APP_SECRET

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    body = encode(payloads.TEXT)
    client.post(
        WEBHOOK_PATH, data=body, content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign(body, APP_SECRET),
    )  # fmt: skip
    task = DBTaskResult.objects.get()
    # A worker claimed it and died: the row says "running", nothing is stored.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=1)
    )
    assert resume_inbound()["notifications"] == 0  # a live worker may still be on it
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(minutes=6))
    assert resume_inbound()["notifications"] == 1
    task = _library_worker_runs(task)
    assert task.status == "SUCCESSFUL" and InboundMessage.objects.get().state == "done"

    # The database failed under the next run: ready again, and a second run changes nothing.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="FAILED", exception_class_path="django.db.utils.OperationalError"
    )
    assert resume_inbound()["notifications"] == 1
    task = _library_worker_runs(task)
    assert task.return_value == "0 new, 1 duplicate, 0 statuses"
    assert InboundMessage.objects.count() == 1 and len(engine.calls) == 1
    # Any other failure is a bug to look at, not to repeat every five minutes.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="FAILED", exception_class_path="builtins.KeyError"
    )
    assert resume_inbound()["notifications"] == 0


@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_a_busy_or_lost_database_asks_meta_to_retry(post_webhook, monkeypatch, error):
    """Locked, or a connection that died (the webhook skips Django's per-request health
    check: the INSERT itself finds out)."""
    from django import db

    from channels.whatsapp import services

    def busy(**kwargs):
        raise getattr(db, error)("database is locked or gone")

    monkeypatch.setattr(services, "webhook_accept", busy)
    response = post_webhook(payloads.TEXT)
    assert response.status_code == 503 and response["Retry-After"] == "30"


def test_json_only_a_database_can_store(client):
    """NaN and a lone surrogate escape (not text in any database) are refused up front, so
    nothing is accepted that the worker could not store; an emoji's escaped pair is text."""
    from fakes.whatsapp_cloud import encode, sign

    from tests.channels.whatsapp.conftest import APP_SECRET

    def post(body: bytes):
        return client.post(
            WEBHOOK_PATH, data=body, content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=sign(body, APP_SECRET),
        )  # fmt: skip

    text = encode(payloads.TEXT)
    body = payloads.TEXT["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"]
    quoted = json.dumps(body).encode()
    assert post(text.replace(b'"timestamp"', b'"nan": NaN, "timestamp"', 1)).status_code == 400
    assert post(text.replace(quoted, b'"\\ud800 halo"', 1)).status_code == 400
    assert post(text.replace(quoted, b'"halo \\uDE00"', 1)).status_code == 400
    assert not InboundMessage.objects.exists()
    assert post(text.replace(quoted, b'"halo \\ud83d\\ude00"', 1)).status_code == 200
    assert InboundMessage.objects.get().text == "halo \U0001f600"
