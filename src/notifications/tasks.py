from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from channels.outbound import ChannelError, send_whatsapp
from channels.sms.client import send_sms
from notifications.models import DeliveryAttempt, OutboxMessage
from notifications.services import whatsapp_failed_fallback

MAX_ATTEMPTS = 6


def _send(message: OutboxMessage) -> str:
    if message.channel == "whatsapp":
        return send_whatsapp(message.recipient, message.body, interactive=message.interactive)
    return send_sms(message.recipient, message.body)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


# Ahead of inbound processing: a reply must not wait behind every message that arrived before it.
@task(priority=10)
def deliver_message(message_id: int) -> str:
    # Claim with a conditional UPDATE so two workers never send the same message.
    claimed = OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.PENDING).update(
        status=OutboxMessage.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return "not pending"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        message.provider_id = _send(message)
        message.delivery_status = ""  # receipts of an earlier try do not apply to this one
    except ChannelError as exc:
        return _failed(message, exc)
    except Exception as exc:  # a bug or an odd answer must not leave the message "sending"
        return _failed(message, ChannelError(f"{exc.__class__.__name__}: {exc}", retryable=True))
    message.status, message.sent_at, message.last_error = OutboxMessage.SENT, timezone.now(), ""
    if message.sensitive:
        message.body = "[terhapus setelah terkirim]"
    message.save()
    DeliveryAttempt.objects.create(message=message, outcome="sent", detail=message.provider_id)
    return "sent"


def _failed(message: OutboxMessage, exc: ChannelError) -> str:
    message.last_error = str(exc)
    if exc.retryable and message.attempts < MAX_ATTEMPTS:
        message.status = OutboxMessage.PENDING
        message.next_attempt_at = timezone.now() + backoff(message.attempts)
        message.save()
        DeliveryAttempt.objects.create(message=message, outcome="retry", detail=str(exc))
        enqueue_later(deliver_message, message.next_attempt_at, message.pk)
        return "retry"
    message.status = OutboxMessage.FAILED
    if message.sensitive:  # a sign-in code that did not arrive is useless and must not linger
        message.body = "[terhapus]"
    message.save()
    DeliveryAttempt.objects.create(message=message, outcome="failed", detail=str(exc))
    whatsapp_failed_fallback(message)
    return "failed"


def enqueue_later(task_function, when, *args) -> None:
    """Run `task_function(*args)` at `when`; backends that cannot defer (the in-process one used
    in tests) leave the retry to `resume_outbox`, which the worker start-up runs."""
    if task_function.get_backend().supports_defer:
        task_function.using(run_after=when).enqueue(*args)


STALE_SENDING = timedelta(minutes=5)


def resume_outbox(now=None) -> int:
    """Hand every undelivered message to the worker again; reclaim sends a killed worker left.

    A message "sending" for longer than STALE_SENDING was claimed by a worker that died before
    it could record the outcome: it goes back to pending. At-least-once is the honest promise
    there: the gateway may have taken it just before the crash.
    """
    now = now or timezone.now()
    OutboxMessage.objects.filter(
        status=OutboxMessage.SENDING, claimed_at__lt=now - STALE_SENDING
    ).update(status=OutboxMessage.PENDING)
    pending = list(
        OutboxMessage.objects.filter(status=OutboxMessage.PENDING).values_list("pk", flat=True)
    )
    for pk in pending:
        deliver_message.enqueue(pk)
    return len(pending)
