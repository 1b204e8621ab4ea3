"""Client for the office's SMS gateway (plain JSON over HTTP; fakes/sms_gateway.py plays it)."""

import httpx
from django.conf import settings

from channels.errors import ChannelError
from loket.outbound_http import pooled_client


class SmsError(ChannelError):
    """The SMS gateway refused or could not be reached."""


def send_sms(to: str, text: str) -> str:
    """Send one SMS; returns the gateway's message id or raises SmsError."""
    try:
        response = pooled_client().post(
            f"{settings.SMS_BASE_URL.rstrip('/')}/api/v1/messages",
            json={"to": to, "from": settings.SMS_SENDER, "text": text},
            headers={"Authorization": f"Bearer {settings.SMS_API_KEY}"},
            timeout=settings.HTTP_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as exc:
        raise SmsError(f"gateway unreachable: {exc.__class__.__name__}", retryable=True) from exc
    if response.status_code in (200, 201, 202):
        try:
            return str(response.json().get("id", ""))
        except (ValueError, AttributeError):
            return ""  # accepted; the gateway just did not give an id
    retryable = response.status_code == 429 or response.status_code >= 500
    raise SmsError(
        f"gateway answered {response.status_code}: {response.text[:200]}", retryable=retryable
    )
