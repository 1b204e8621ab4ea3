"""Sending a resident's notice on WhatsApp, inside or outside the 24-hour window.

WhatsApp allows free-form messages only within 24 hours of the resident's last message; later
notices must use a pre-approved template. Loket's template `loket_pemberitahuan` has one body
parameter that carries the notice text (registered in id and en).
"""

from datetime import timedelta

from django.utils import timezone

from channels.errors import ChannelError
from channels.models import Conversation

CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)
NOTICE_TEMPLATE = "loket_pemberitahuan"


def within_window(phone: str, now=None) -> tuple[bool, str]:
    """Whether a free-form message may be sent now, and the conversation's language."""
    now = now or timezone.now()
    conversation = Conversation.objects.filter(channel=Conversation.WHATSAPP, phone=phone).first()
    if conversation is None or conversation.last_inbound_at is None:
        return False, "id"
    return now - conversation.last_inbound_at < CUSTOMER_SERVICE_WINDOW, conversation.language


def send_whatsapp(to: str, body: str, interactive: dict | None = None) -> str:
    """Inside the window: buttons/list when given, else text. Outside it: the notice template
    (buttons cannot go in a template; `body` carries the numbered options). The provider's id."""
    from channels.whatsapp import client

    open_window, language = within_window(to)
    try:
        if open_window and interactive:
            return client.send_interactive(to, interactive)
        if open_window:
            return client.send_text(to, body)
        return client.send_template(to, NOTICE_TEMPLATE, language, [body])
    except client.WhatsAppError as exc:
        raise ChannelError(str(exc), retryable=exc.retryable) from exc
