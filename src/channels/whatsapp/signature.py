"""Meta signs every webhook POST: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw
request body, keyed with the app secret. Anything else is refused before the body is parsed."""

import hashlib
import hmac

PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    """The header value Meta would send for `body`."""
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, header: str | None, secret: str) -> bool:
    """True only when `header` is the signature of `body` (constant-time comparison)."""
    if not secret or not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(body, secret).encode(), header.strip().encode())
