"""Handling one inbound message: ask the conversation engine, queue its replies.

`handle_inbound` runs inside the transaction that marks the message done (channels.tasks), so
the engine's changes, the replies it queues and "done" commit together or not at all. The
conversation row is locked first: two messages from one resident are handled one at a time,
never interleaved (on SQLite the IMMEDIATE transaction already serialises every writer).

For the engine:
- `respond(conversation, inbound) -> list[Reply]` in channels.engine; a reply is a str, or has
  `body` (or `text`) and optionally `interactive` (a Graph API interactive object, e.g. from
  channels.whatsapp.client.reply_buttons / list_message).
- `fetch_media(inbound) -> (bytes, mime)` for photos and documents; already downloaded before
  the transaction began, so calling it costs no network round-trip. Raises WhatsAppError.
- `choice_id(inbound)`: the id of the button or list row the resident chose ("" otherwise).
- `inbound.payload` is the Cloud API message object as delivered (plus `contact` with the
  resident's WhatsApp profile name when Meta sent one).
"""

import contextlib
import importlib

from channels.models import Conversation, InboundMessage
from channels.whatsapp.webhook import choice_id as _choice_id

ENGINE_MODULE = "channels.engine"
PREFETCHED_KINDS = ("image", "document")


def responder():
    """channels.engine.respond when the engine exists, else None."""
    try:
        module = importlib.import_module(ENGINE_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != ENGINE_MODULE:
            raise  # the engine exists but something it imports does not: show that
        return None
    respond = getattr(module, "respond", None)
    return respond if callable(respond) else None


def handle_inbound(inbound: InboundMessage) -> list:
    """Answer `inbound`; returns the outbox messages queued. Call inside a transaction."""
    conversation = Conversation.objects.select_for_update().get(pk=inbound.conversation_id)
    inbound.conversation = conversation
    respond = responder()
    if respond is None:  # no engine yet: a person answers from the staff inbox
        if not conversation.needs_human:
            conversation.needs_human = True
            conversation.save(update_fields=["needs_human", "updated_at"])
        return []
    return [queue_reply(conversation, reply) for reply in respond(conversation, inbound) or []]


def reply_parts(reply) -> tuple[str, dict | None]:
    """(body, interactive) of whatever the engine returned as one reply."""
    if isinstance(reply, str):
        return reply, None
    if isinstance(reply, dict):
        return str(reply.get("body") or reply.get("text") or ""), reply.get("interactive")
    body = getattr(reply, "body", None) or getattr(reply, "text", None) or ""
    return str(body), getattr(reply, "interactive", None)


def queue_reply(conversation: Conversation, reply):
    from notifications.services import queue_message

    body, interactive = reply_parts(reply)
    # Buttons and lists exist on WhatsApp only; elsewhere the body carries numbered options.
    on_whatsapp = conversation.channel == Conversation.WHATSAPP
    extra = {"interactive": interactive} if interactive and on_whatsapp else {}
    return queue_message(
        recipient=conversation.phone, body=body, channel=conversation.channel, **extra
    )


def choice_id(inbound: InboundMessage) -> str:
    return _choice_id(inbound.payload or {})


def prefetch_media(inbound: InboundMessage) -> None:
    """Download a photo or document now (outside any transaction); errors are kept for
    `fetch_media` to raise, so the engine can tell the resident to send it again."""
    if inbound.media_id and inbound.kind in PREFETCHED_KINDS:
        with contextlib.suppress(Exception):  # kept on the instance, raised by fetch_media
            fetch_media(inbound)


def fetch_media(inbound: InboundMessage) -> tuple[bytes, str]:
    cached = getattr(inbound, "_media", None)
    if cached is None:
        cached = _download(inbound)
        inbound._media = cached
    if isinstance(cached, Exception):
        raise cached
    return cached


def _download(inbound: InboundMessage):
    from channels.whatsapp.client import WhatsAppError, download_media

    if not inbound.media_id:
        return WhatsAppError("pesan ini tidak membawa berkas", retryable=False)
    try:
        return download_media(inbound.media_id)
    except WhatsAppError as exc:
        return exc
