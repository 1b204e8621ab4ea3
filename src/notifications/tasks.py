from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from channels.sms.client import SmsError, send_sms
from notifications.models import OutboxMessage

MAX_ATTEMPTS = 6
SENDERS = {"sms": send_sms}


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


@task()
def deliver_message(message_id: int) -> str:
    # Claim with a conditional UPDATE so two workers never send the same message.
    claimed = OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.PENDING).update(
        status=OutboxMessage.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not pending"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        message.provider_id = SENDERS[message.channel](message.recipient, message.body)
    except SmsError as exc:
        return _failed(message, exc)
    message.status, message.sent_at, message.last_error = OutboxMessage.SENT, timezone.now(), ""
    if message.sensitive:
        message.body = "[terhapus setelah terkirim]"
    message.save()
    return "sent"


def _failed(message: OutboxMessage, exc: SmsError) -> str:
    message.last_error = str(exc)
    if exc.retryable and message.attempts < MAX_ATTEMPTS:
        message.status = OutboxMessage.PENDING
        message.next_attempt_at = timezone.now() + backoff(message.attempts)
        message.save()
        deliver_message.using(run_after=message.next_attempt_at).enqueue(message.pk)
        return "retry"
    message.status = OutboxMessage.FAILED
    message.save()
    return "failed"
