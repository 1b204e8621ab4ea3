"""The SMS gateway's inbound callback: a resident's SMS, stored once and handled in the background
by the same engine as WhatsApp (for kecamatan with no data signal).

Wire format (fakes/sms_gateway.py plays it):
    POST /channels/sms/inbound
    X-Signature: sha256=<hex HMAC-SHA256 of the raw body with SMS_INBOUND_SECRET>
    {"id": "in-1", "from": "+62812…", "text": "STATUS KTP-261124-ABCDEF", "received_at": "…"}
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.phone import normalize_phone
from channels.models import Conversation
from channels.store import store_inbound
from loket.errors import DomainError

MAX_BODY = 64 * 1024


def signature_ok(body: bytes, header: str) -> bool:
    expected = hmac.new(settings.SMS_INBOUND_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", header or "")


def _refuse(status: int, code: str) -> JsonResponse:
    return JsonResponse({"problems": [{"code": code, "message": code}]}, status=status)


def _parse(body: bytes) -> tuple[str, str, str, object] | None:
    try:
        data = json.loads(body)
        message_id, sender, text = str(data["id"]), normalize_phone(data["from"]), data["text"]
    except (ValueError, KeyError, TypeError, DomainError):
        return None
    if not isinstance(text, str) or not message_id:
        return None
    sent_at = parse_datetime(str(data.get("received_at") or "")) or timezone.now()
    if timezone.is_naive(sent_at):
        sent_at = timezone.make_aware(sent_at)
    return message_id[:128], sender, text[:4000], sent_at


@csrf_exempt
@require_POST
def sms_inbound(request):
    body = request.body
    if len(body) > MAX_BODY:
        return _refuse(413, "too_large")
    if not signature_ok(body, request.headers.get("X-Signature", "")):
        return _refuse(403, "bad_signature")
    parsed = _parse(body)
    if parsed is None:
        return _refuse(400, "bad_payload")
    message_id, sender, text, sent_at = parsed
    stored = store_sms(message_id, sender, text, sent_at)
    return JsonResponse({"status": "accepted" if stored else "duplicate"})


def store_sms(message_id: str, sender: str, text: str, sent_at) -> bool:
    """Store the message once (a repeated callback is a duplicate) and queue its handling."""
    from channels.tasks import enqueue_inbound_with_transaction

    with transaction.atomic():
        inbound_id = store_inbound(
            channel=Conversation.SMS,
            phone=sender,
            provider_id=message_id,
            sent_at=sent_at,
            text=text,
        )
        if inbound_id is None:
            return False
        enqueue_inbound_with_transaction([inbound_id])
    return True
