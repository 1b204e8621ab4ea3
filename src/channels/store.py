"""Storing an inbound message exactly once, for every channel: two statements per message.

The conversation is created or touched with one upsert (its `last_inbound_at` only moves
forward: the WhatsApp 24-hour window is counted from it), and the message is inserted with
`ON CONFLICT DO NOTHING` on its provider id, so a notification delivered twice stores nothing
the second time and needs no savepoint. Call inside a transaction: the SMS callback's, or the
WhatsApp notification task's (channels.tasks.receive_notification).
"""

from django.db import connection
from django.utils import timezone

from channels.models import Conversation, InboundMessage
from loket.fastsql import insert_row


def _touch_conversation_clause() -> str:
    quote = connection.ops.quote_name
    table, last = quote(Conversation._meta.db_table), quote("last_inbound_at")
    return (
        f"ON CONFLICT ({quote('channel')}, {quote('phone')}) DO UPDATE SET "
        f"{last} = CASE WHEN {table}.{last} IS NULL OR {table}.{last} < EXCLUDED.{last} "
        f"THEN EXCLUDED.{last} ELSE {table}.{last} END, "
        f"{quote('updated_at')} = EXCLUDED.{quote('updated_at')}"
    )


def _once_per_provider_id_clause() -> str:
    quote = connection.ops.quote_name
    return f"ON CONFLICT ({quote('conversation_id')}, {quote('provider_id')}) DO NOTHING"


def store_inbound(
    *,
    channel: str,
    phone: str,
    provider_id: str,
    sent_at,
    kind: str = "text",
    text: str = "",
    media_id: str = "",
    media_mime: str = "",
    payload: dict | None = None,
    now=None,
) -> int | None:
    """The new InboundMessage's id, or None when this provider id was stored before."""
    now = now or timezone.now()
    at = min(sent_at, now)  # the 24-hour window never starts in the future
    conversation_id = insert_row(
        Conversation(channel=channel, phone=phone, last_inbound_at=at),
        on_conflict=_touch_conversation_clause(),
    )
    return insert_row(
        InboundMessage(
            conversation_id=conversation_id,
            provider_id=provider_id,
            kind=kind,
            text=text,
            media_id=media_id,
            media_mime=media_mime,
            payload=payload or {},
            sent_at=sent_at,
        ),
        on_conflict=_once_per_provider_id_clause(),
    )
