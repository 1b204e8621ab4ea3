"""Client for the central SIAK request API (JSON over HTTP; fakes/siak.py plays it).

Every failure is a CentralError that says whether trying again later can help: the link being
down, slow or answering garbage is retryable; SIAK refusing the request itself (4xx) is not.
Error texts carry status codes and SIAK's error codes only, never the personal data we sent.
"""

from dataclasses import dataclass

import httpx
from django.conf import settings

from loket.outbound_http import pooled_client

DECIDED = {"approved", "rejected"}
KNOWN_STATUSES = DECIDED | {"pending"}


class CentralError(Exception):
    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class RemoteStatus:
    request_id: str
    status: str  # "pending" | "approved" | "rejected"
    reason: str = ""


def _call(method: str, path: str, **kwargs) -> dict:
    url = f"{settings.SIAK_BASE_URL.rstrip('/')}/api/v1/{path}"
    headers = {"Authorization": f"Bearer {settings.SIAK_API_KEY}", **kwargs.pop("headers", {})}
    try:
        response = pooled_client().request(
            method, url, headers=headers, timeout=settings.SIAK_TIMEOUT_SECONDS, **kwargs
        )
    except httpx.TimeoutException as exc:
        raise CentralError("SIAK tidak menjawab (timeout)", retryable=True) from exc
    except httpx.HTTPError as exc:
        raise CentralError(
            f"SIAK tidak dapat dihubungi ({exc.__class__.__name__})", retryable=True
        ) from exc
    if response.status_code >= 400:
        retryable = response.status_code in (408, 429) or response.status_code >= 500
        raise CentralError(
            f"SIAK menjawab {response.status_code} ({_error_code(response)})", retryable=retryable
        )
    try:
        payload = response.json()
    except ValueError as exc:
        raise CentralError(
            f"SIAK menjawab {response.status_code} dengan isi yang bukan JSON", retryable=True
        ) from exc
    if not isinstance(payload, dict):
        raise CentralError("SIAK menjawab JSON yang tidak dikenal", retryable=True)
    return payload


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["code"])[:64]
    except (ValueError, KeyError, TypeError):
        return "tanpa kode"


def _status(payload: dict) -> RemoteStatus:
    request_id, status = payload.get("request_id"), payload.get("status")
    if not request_id or status not in KNOWN_STATUSES:
        raise CentralError("SIAK menjawab JSON tanpa request_id/status", retryable=True)
    return RemoteStatus(str(request_id), status, str(payload.get("reason") or ""))


def submit_request(*, idempotency_key: str, payload: dict) -> RemoteStatus:
    """Register one application with SIAK. The same key again returns the same request."""
    return _status(
        _call("POST", "requests", json=payload, headers={"Idempotency-Key": idempotency_key})
    )


def get_request(request_id: str) -> RemoteStatus:
    """SIAK's decision on one request (status "pending" until it decides)."""
    return _status(_call("GET", f"requests/{request_id}"))
