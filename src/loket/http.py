"""Small helpers shared by views."""

from django.utils.translation import get_language


def client_ip(request) -> str | None:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; gunicorn is told which
    # proxies to trust (FORWARDED_ALLOW_IPS) — see docs/operations.md.
    return request.META.get("REMOTE_ADDR") or None


def language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"
