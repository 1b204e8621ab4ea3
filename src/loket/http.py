"""Small helpers shared by views."""

from django.conf import settings
from django.utils.translation import get_language


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted reverse proxy the last address
    in X-Forwarded-For that is not one of our proxies."""
    remote = request.META.get("REMOTE_ADDR") or None
    if remote not in settings.TRUSTED_PROXIES:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in settings.TRUSTED_PROXIES:
            return address[:45]
    return remote


def language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"
