"""The Cloud API webhook: GET to verify the subscription, POST for notifications.

A POST is checked (size, signature, shape) before anything is stored; it is answered as soon
as the notification is queued (one INSERT). Storing its messages once, applying its statuses
and answering the resident run in a background task. Meta retries any answer other than 200,
so only forged or unreadable posts get a 4xx.
"""

import hmac
import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from channels.whatsapp import services, signature
from channels.whatsapp.webhook import PayloadError, parse, without_nul

logger = logging.getLogger(__name__)


def _text(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
def webhook(request):
    if request.method == "GET":
        return verify(request)
    if request.method == "POST":
        return receive(request)
    return HttpResponseNotAllowed(["GET", "POST"])


def verify(request):
    """Meta's subscription check: echo hub.challenge when the verify token matches."""
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    expected = settings.WHATSAPP_VERIFY_TOKEN
    if (
        mode == "subscribe"
        and expected
        and hmac.compare_digest(token.encode(), expected.encode())
        and challenge
    ):
        return _text(200, challenge[:256])
    return _text(403, "verification failed")


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN/Infinity: no database's JSON takes them


def receive(request):
    try:
        body = request.body
    except RequestDataTooBig:
        return _text(413, "too large")
    header = request.headers.get("X-Hub-Signature-256")
    if not signature.is_valid(body, header, settings.WHATSAPP_APP_SECRET):
        logger.warning("whatsapp webhook refused: %s signature", "bad" if header else "missing")
        return _text(403, "bad signature")
    try:
        payload = json.loads(body, parse_constant=_no_constant)
        if b"\\ud" in body.lower():  # a surrogate escape: only pairs make text (emoji)
            json.dumps(payload, ensure_ascii=False).encode()  # a lone one raises ValueError
        if b"\\u0000" in body:  # strict JSON can hold a NUL only as that escape
            payload = without_nul(payload)  # PostgreSQL's text and jsonb cannot hold NULs
        notification = parse(
            payload, phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID, nul_free=True
        )
    except (ValueError, PayloadError, RecursionError) as exc:
        logger.warning("whatsapp webhook unreadable: %s", exc.__class__.__name__)
        return _text(400, "unreadable notification")
    if not (notification.messages or notification.statuses):
        return _text(200, "OK")  # another field or another number: nothing of ours to do
    try:
        services.webhook_accept(payload=payload)
    except (OperationalError, InterfaceError):  # database busy or gone: Meta retries later
        logger.warning("whatsapp webhook deferred: database unavailable")
        response = _text(503, "try again later")
        response["Retry-After"] = "30"
        return response
    return _text(200, "OK")
