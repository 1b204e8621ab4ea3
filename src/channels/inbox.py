"""The staff inbox: conversations the bot handed to a person, answered by customer service."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from channels.models import Conversation
from channels.outbound import within_window
from loket.errors import DomainError
from notifications.models import OutboxMessage
from notifications.services import queue_message

MAX_ANSWER = 1000


def conversations_waiting():
    return Conversation.objects.filter(needs_human=True).order_by("updated_at")


def thread(conversation: Conversation, limit: int = 50) -> list[tuple]:
    """The last messages both ways, oldest first: (time, 'in'|'out', text)."""
    inbound = [
        (m.received_at, "in", m.text or f"[{m.kind}]")
        for m in conversation.inbound.order_by("-received_at")[:limit]
    ]
    outbound = [
        (m.created_at, "out", m.body)
        for m in OutboxMessage.objects.filter(
            recipient=conversation.phone, channel=conversation.channel, sensitive=False
        ).order_by("-created_at")[:limit]
    ]
    return sorted(inbound + outbound)[-limit:]


@transaction.atomic
def conversation_answer(*, conversation: Conversation, text: str, officer) -> OutboxMessage:
    """An officer's answer goes out on the resident's channel; the conversation is settled."""
    text = (text or "").strip()
    if not text:
        raise DomainError("answer_empty", _("Tulis jawaban terlebih dahulu."))
    if len(text) > MAX_ANSWER:
        raise DomainError(
            "answer_too_long",
            _("Jawaban terlalu panjang (maksimal %(max)d karakter)."),
            max=MAX_ANSWER,
        )
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.channel == Conversation.WHATSAPP and not within_window(locked.phone)[0]:
        note = _("(di luar 24 jam WhatsApp: dikirim sebagai pemberitahuan)")
        text = f"{text}\n{note}"
    message = queue_message(recipient=locked.phone, body=text, channel=locked.channel)
    locked.needs_human = False
    locked.save(update_fields=["needs_human", "updated_at"])
    return message
