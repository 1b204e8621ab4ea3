"""What a webhook notification changes: inbound messages stored once, delivery statuses applied
to the outbox without going backwards. The webhook only queues the notification (one INSERT);
the background task stores and applies it in one short transaction, with no network calls."""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from channels.models import Conversation
from channels.store import store_inbound
from channels.whatsapp.webhook import Message, Notification, Status
from notifications.models import DeliveryAttempt, OutboxMessage

logger = logging.getLogger(__name__)

CHANNEL = Conversation.WHATSAPP
# A status may only move a message forward: read > delivered > sent. "failed" lands only on a
# message not yet known to have arrived, and nothing moves a failed message again.
RANK = {"": 0, "sent": 1, "delivered": 2, "read": 3}
FAILED = "failed"


@dataclass
class Received:
    new_inbound: list[int] = field(default_factory=list)
    duplicates: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # outcome → count
    unmatched: list[Status] = field(default_factory=list)


def webhook_accept(*, payload: dict) -> None:
    """Queue a checked notification for the background: the webhook's only write."""
    from channels import tasks

    tasks.enqueue_notification(payload)


def notification_store(*, notification: Notification) -> Received:
    """Store the notification's messages (each provider id once) and apply its statuses, in
    one transaction. Unmatched statuses are tried again later. Runs in the background task
    the webhook queued; the new messages are handled by the caller."""
    from channels import tasks

    received = Received()
    now = timezone.now()
    with transaction.atomic():
        for message in notification.messages:
            inbound_id = inbound_store(message=message, now=now)
            if inbound_id is None:
                received.duplicates += 1
            else:
                received.new_inbound.append(inbound_id)
        for status in notification.statuses:
            outcome = status_apply(status=status)
            received.statuses[outcome] = received.statuses.get(outcome, 0) + 1
            if outcome == "unknown":
                received.unmatched.append(status)
        unmatched = list(received.unmatched)
        if unmatched:
            transaction.on_commit(lambda: [tasks.defer_status(s.raw, 0) for s in unmatched])
    return received


def inbound_store(*, message: Message, now) -> int | None:
    """The new InboundMessage's id, or None when this provider id was stored before."""
    payload = dict(message.raw)
    if message.profile_name:
        payload["contact"] = {"wa_id": message.wa_id, "profile": {"name": message.profile_name}}
    return store_inbound(
        channel=CHANNEL,
        phone=message.phone,
        provider_id=message.provider_id,
        sent_at=message.sent_at,
        kind=message.kind,
        text=message.text,
        media_id=message.media_id,
        media_mime=message.media_mime,
        payload=payload,
        now=now,
    )


def status_apply(*, status: Status) -> str:
    """Apply one delivery status to the outbox message Meta gave that id.

    Returns "applied", "stale" (an older status arriving late), "ignored" (a status kind we do
    not track) or "unknown" (no message with that id — yet, or not ours)."""
    if status.status not in RANK and status.status != FAILED:
        return "ignored"
    messages = OutboxMessage.objects.filter(channel=CHANNEL, provider_id=status.provider_id)
    ids = list(messages.values_list("pk", flat=True))
    if not ids:
        return "unknown"
    if status.status == FAILED:
        return _apply_failed(ids, status)
    earlier = [name for name, rank in RANK.items() if rank < RANK[status.status]]
    moved = OutboxMessage.objects.filter(pk__in=ids, delivery_status__in=earlier).update(
        delivery_status=status.status
    )
    if not moved:
        return "stale"
    if status.status != "sent":  # "sent" is already recorded by the outbox's own attempt
        for pk in ids:
            DeliveryAttempt.objects.create(
                message_id=pk, outcome=status.status, detail=f"WhatsApp: {status.status}"
            )
    return "applied"


def failure_text(status: Status) -> str:
    parts = [
        f"#{error.get('code')} {error.get('title') or ''}".strip()
        for error in status.errors
        if error.get("code") is not None or error.get("title")
    ]
    return "WhatsApp gagal mengantar: " + ("; ".join(parts) or "tanpa keterangan")


def _apply_failed(ids: list[int], status: Status) -> str:
    detail = failure_text(status)[:500]
    applied = 0
    for pk in ids:
        moved = OutboxMessage.objects.filter(pk=pk, delivery_status__in=["", "sent"]).update(
            delivery_status=FAILED, status=OutboxMessage.FAILED, last_error=detail
        )
        if not moved:
            continue
        applied += 1
        message = OutboxMessage.objects.get(pk=pk)
        DeliveryAttempt.objects.create(message=message, outcome=FAILED, detail=detail)
        _fall_back(message)
    return "applied" if applied else "stale"


def _fall_back(message: OutboxMessage) -> None:
    """Hand the failed message to the SMS fallback. A fallback that breaks must not make Meta
    re-send the whole notification for a week: the message stays failed in the outbox, where
    an officer sees it and can send it again."""
    fallback = _fallback_hook()
    if fallback is None:
        logger.warning("whatsapp message %s failed and no fallback hook exists", message.pk)
        return
    try:
        with transaction.atomic():
            fallback(message)
    except Exception as exc:
        logger.exception("whatsapp message %s: SMS fallback failed", message.pk)
        DeliveryAttempt.objects.create(
            message=message, outcome=FAILED, detail=f"fallback SMS gagal: {exc.__class__.__name__}"
        )


def _fallback_hook():
    """notifications.services.whatsapp_failed_fallback(message): sends the message again by
    SMS, inside this transaction (its own delivery runs on commit)."""
    from notifications import services

    return getattr(services, "whatsapp_failed_fallback", None)
