"""What to tell whom. Messages are written to the outbox inside the caller's transaction and
handed to the worker only once that transaction commits."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from notifications.messages import STATUS_MESSAGES
from notifications.models import OutboxMessage


def queue_message(
    *,
    recipient: str,
    body: str,
    application=None,
    sensitive=False,
    channel: str = "sms",
    interactive: dict | None = None,
):
    message = OutboxMessage.objects.create(
        recipient=recipient,
        body=body,
        application=application,
        sensitive=sensitive,
        channel=channel,
        interactive=interactive if channel == "whatsapp" else None,
    )
    from notifications.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.enqueue(message.pk))
    return message


def application_message(application, key: str, note: str = "") -> str:
    """The text for event `key` about `application`, in the active language."""
    promise = application.promise_date
    return str(STATUS_MESSAGES[key]) % {
        "office": settings.OFFICE_NAME,
        "service": application.service.code,
        "number": application.registration_number,
        "date": formats.date_format(promise, "l, j F Y") if promise else "-",
        "url": settings.PUBLIC_BASE_URL.rstrip("/")
        + reverse("applications:detail", args=[application.public_id]),
        "note": note or "-",
        "pickup_code": _pickup_code(application),
    }


def _pickup_code(application) -> str:
    """The code the resident shows at the pickup desk (made when the card became ready)."""
    from handover.models import DeliveryChoice

    code = (
        DeliveryChoice.objects.filter(application=application)
        .values_list("pickup_code", flat=True)
        .first()
    )
    return f"{code[:4]}-{code[4:]}" if code else "-"


def channel_for(application) -> str:
    """Residents who talk to us on WhatsApp hear from us there; everyone else by SMS."""
    from channels.models import Conversation

    on_whatsapp = Conversation.objects.filter(
        channel=Conversation.WHATSAPP, phone=application.resident.phone
    ).exists()
    return "whatsapp" if on_whatsapp or application.channel == "whatsapp" else "sms"


def notify_application(application, key: str, note: str = "") -> OutboxMessage | None:
    """Queue message `key` to the resident in their language (no phone, no message)."""
    phone = application.resident.phone
    if not phone:
        return None
    channel = channel_for(application)
    with translation.override(application.resident.preferred_language or "id"):
        body = application_message(application, key, note)
        interactive = _buttons(application, key, body) if channel == "whatsapp" else None
    return queue_message(
        recipient=phone,
        body=body,
        application=application,
        channel=channel,
        interactive=interactive,
    )


def _buttons(application, key: str, body: str) -> dict | None:
    """On WhatsApp the ready notice of a card asks at once: counter or courier."""
    from catalogue.models import CARD_SERVICES

    if key != "ready_for_handover" or application.service.code not in CARD_SERVICES:
        return None
    from channels.delivery import ready_buttons
    from channels.replies import choice

    return choice(body, ready_buttons(application)).interactive


def whatsapp_failed_fallback(message: OutboxMessage) -> OutboxMessage | None:
    """A WhatsApp message that failed for good goes out again by SMS, once."""
    if message.channel != "whatsapp" or message.fallbacks.exists():
        return None
    fallback = OutboxMessage.objects.create(
        recipient=message.recipient,
        body=message.body,
        application=message.application,
        sensitive=message.sensitive,
        channel="sms",
        fallback_of=message,
    )
    from notifications.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.enqueue(fallback.pk))
    return fallback


def notify_status_change(application, event) -> OutboxMessage | None:
    return notify_application(application, event.status, event.note)


def send_sign_in_code(*, phone: str, code: str, language: str) -> OutboxMessage:
    with translation.override(language):
        body = _(
            "%(code)s adalah kode masuk Loket Anda. Berlaku %(minutes)d menit. "
            "Jangan berikan kode ini kepada siapa pun, termasuk petugas."
        ) % {"code": code, "minutes": settings.OTP_TTL_SECONDS // 60}
    return queue_message(recipient=phone, body=body, sensitive=True)


@transaction.atomic
def message_retry(*, message: OutboxMessage) -> OutboxMessage:
    """An officer sends a failed message again (it keeps its history of attempts)."""
    from notifications.tasks import deliver_message

    locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != OutboxMessage.FAILED or locked.sensitive:
        return locked  # sign-in codes are never re-sent: the resident asks for a new one
    locked.status = OutboxMessage.PENDING
    locked.save(update_fields=["status"])
    transaction.on_commit(lambda: deliver_message.enqueue(locked.pk))
    return locked
