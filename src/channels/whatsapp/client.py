"""Client for the WhatsApp Business Cloud API (Graph API; fakes/whatsapp_cloud.py plays it).

Sends go to POST {WHATSAPP_API_BASE_URL}/{API_VERSION}/{WHATSAPP_PHONE_NUMBER_ID}/messages with
the bearer WHATSAPP_ACCESS_TOKEN; media comes from GET /{media-id} (metadata with a short-lived
URL) and then GET of that URL with the same bearer.

Every failure is a WhatsAppError that says whether trying again later can help: timeouts, the
connection failing, HTTP 429/5xx and Meta's throttling/transient error codes are retryable; other
4xx (bad number, bad payload, unknown template, expired token) are not. Error texts carry HTTP
statuses and Meta's error codes and titles only, never the message text or the phone number.
"""

import base64
import hashlib
import re

import httpx
from django.conf import settings

from channels.errors import ChannelError
from loket.outbound_http import pooled_client

API_VERSION = "v21.0"

# Meta error codes that mean "later", whatever the HTTP status they come with
# (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
RETRYABLE_CODES = {
    1,  # API unknown
    2,  # API service temporarily unavailable
    4,  # API too many calls (app rate limit)
    80007,  # WABA rate limit
    130429,  # Cloud API throughput reached
    131000,  # Something went wrong
    131016,  # Service unavailable
    131048,  # Spam rate limit hit
    131056,  # (Business, consumer) pair rate limit
    133004,  # Server temporarily unavailable
}

# Interactive message limits the Graph API enforces (longer titles are refused with #131009).
BUTTON_TITLE_MAX, MAX_BUTTONS = 20, 3
ROW_TITLE_MAX, ROW_DESCRIPTION_MAX, MAX_ROWS = 24, 72, 10
BODY_MAX, LIST_BUTTON_MAX, ID_MAX = 1024, 20, 200
TEXT_MAX = 4096


class WhatsAppError(ChannelError):
    """The Cloud API refused or could not be reached; `code` is Meta's error code if any."""

    def __init__(self, message: str, *, retryable: bool, code: int | None = None):
        super().__init__(message, retryable=retryable)
        self.code = code


_http = pooled_client  # one keep-alive client per thread, shared with the other clients


def _headers() -> dict:
    return {"Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}"}


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(
        settings.HTTP_TIMEOUT_SECONDS, connect=min(5, settings.HTTP_TIMEOUT_SECONDS)
    )


def graph_url(path: str) -> str:
    return f"{settings.WHATSAPP_API_BASE_URL.rstrip('/')}/{API_VERSION}/{path.lstrip('/')}"


def _request(method: str, url: str, **kwargs) -> httpx.Response:
    try:
        return _http().request(method, url, headers=_headers(), timeout=_timeout(), **kwargs)
    except httpx.TimeoutException as exc:
        raise WhatsAppError("WhatsApp API tidak menjawab (timeout)", retryable=True) from exc
    except httpx.HTTPError as exc:
        raise WhatsAppError(
            f"WhatsApp API tidak dapat dihubungi ({exc.__class__.__name__})", retryable=True
        ) from exc


def error_from(response: httpx.Response) -> WhatsAppError:
    """Meta's error shape {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}."""
    code, title = None, ""
    try:
        error = response.json()["error"]
        code = int(error["code"]) if error.get("code") is not None else None
        title = str(error.get("message") or error.get("type") or "")[:160]
    except (ValueError, KeyError, TypeError):
        title = "tanpa badan galat"
    retryable = response.status_code in (408, 429) or response.status_code >= 500
    retryable = retryable or code in RETRYABLE_CODES
    label = f"#{code} " if code is not None else ""
    return WhatsAppError(
        f"WhatsApp API {response.status_code}: {label}{title}".strip(),
        retryable=retryable,
        code=code,
    )


def _graph(method: str, path: str, **kwargs) -> dict:
    response = _request(method, graph_url(path), **kwargs)
    if response.status_code >= 400:
        raise error_from(response)
    try:
        payload = response.json()
    except ValueError as exc:
        raise WhatsAppError(
            f"WhatsApp API {response.status_code} menjawab bukan JSON", retryable=True
        ) from exc
    if not isinstance(payload, dict):
        raise WhatsAppError("WhatsApp API menjawab JSON yang tidak dikenal", retryable=True)
    return payload


def wa_number(phone: str) -> str:
    """ "+62 812-3456" → "628123456": the Graph API's `to` is digits with the country code."""
    return re.sub(r"\D", "", phone)


def _send(to: str, kind: str, content: dict) -> str:
    payload = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": wa_number(to),
        "type": kind,
        kind: content,
    }
    answer = _graph("POST", f"{settings.WHATSAPP_PHONE_NUMBER_ID}/messages", json=payload)
    try:
        message_id = str(answer["messages"][0]["id"])
    except (KeyError, IndexError, TypeError) as exc:
        raise WhatsAppError("WhatsApp API menjawab tanpa id pesan", retryable=True) from exc
    if not message_id:
        raise WhatsAppError("WhatsApp API menjawab tanpa id pesan", retryable=True)
    return message_id


def send_text(to: str, body: str) -> str:
    """A free-form text (only inside the 24-hour window); returns the "wamid.…" id."""
    return _send(to, "text", {"preview_url": False, "body": body[:TEXT_MAX]})


def send_interactive(to: str, interactive: dict) -> str:
    """An interactive message: `interactive` is the Graph API object, e.g. from
    `reply_buttons(...)` or `list_message(...)`."""
    return _send(to, "interactive", interactive)


def send_template(to: str, name: str, language_code: str, parameters: list[str]) -> str:
    """An approved template (the only kind allowed outside the window), body parameters in
    order. Meta refuses parameters with newlines, tabs or more than four spaces in a row
    (#132018), so they are flattened."""
    template: dict = {"name": name, "language": {"code": language_code}}
    if parameters:
        template["components"] = [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": template_text(p)} for p in parameters],
            }
        ]
    return _send(to, "template", template)


def template_text(text: str) -> str:
    return re.sub(r" {4,}", "   ", re.sub(r"[\r\n\t]+", " ", str(text))).strip()


def send_whatsapp(to: str, body: str) -> str:
    """The outbox sender signature (recipient, body) -> provider id: plain text.

    channels.outbound.send_whatsapp wraps this with the 24-hour-window check (template outside
    it); register that one in notifications.tasks.SENDERS."""
    return send_text(to, body)


def download_media(media_id: str, *, max_bytes: int | None = None) -> tuple[bytes, str]:
    """The bytes and MIME type of a resident's photo or document.

    Media URLs expire after a few minutes, so call this when the file is needed. Files larger
    than `max_bytes` (default UPLOAD_MAX_BYTES) are refused without being read in full."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    meta = _graph("GET", str(media_id))
    url, mime = meta.get("url"), str(meta.get("mime_type") or "application/octet-stream")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise WhatsAppError("WhatsApp API menjawab media tanpa URL", retryable=True)
    try:
        declared = int(meta.get("file_size") or 0)
    except (TypeError, ValueError):
        declared = 0
    if declared > limit:
        raise WhatsAppError(f"berkas terlalu besar ({declared} bita)", retryable=False)
    content = _download(url, limit)
    if not sha256_matches(content, meta.get("sha256")):
        raise WhatsAppError("berkas media rusak (sha256 tidak cocok)", retryable=True)
    return content, mime.split(";")[0].strip()


def sha256_matches(content: bytes, expected) -> bool:
    """Meta gives the file's SHA-256 as hex or base64; an absent or unknown form is trusted."""
    if not isinstance(expected, str) or not expected:
        return True
    digest = hashlib.sha256(content)
    if re.fullmatch(r"[0-9a-fA-F]{64}", expected):
        return digest.hexdigest() == expected.lower()
    if re.fullmatch(r"[A-Za-z0-9+/]{43}=", expected):
        return base64.b64encode(digest.digest()).decode() == expected
    return True


def _download(url: str, limit: int) -> bytes:
    try:
        with _http().stream("GET", url, headers=_headers(), timeout=_timeout()) as response:
            if response.status_code >= 400:
                response.read()
                raise error_from(response)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise WhatsAppError(f"berkas terlalu besar (> {limit} bita)", retryable=False)
                chunks.append(chunk)
    except httpx.TimeoutException as exc:
        raise WhatsAppError("unduhan media tidak selesai (timeout)", retryable=True) from exc
    except httpx.HTTPError as exc:
        raise WhatsAppError(
            f"unduhan media gagal ({exc.__class__.__name__})", retryable=True
        ) from exc
    return b"".join(chunks)


# --- interactive payloads, within the Graph API's limits -------------------------------------


def _cut(text: str, limit: int) -> str:
    text = str(text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _frame(interactive: dict, header: str | None, footer: str | None) -> dict:
    if header:
        interactive["header"] = {"type": "text", "text": _cut(header, 60)}
    if footer:
        interactive["footer"] = {"text": _cut(footer, 60)}
    return interactive


def reply_buttons(
    body: str, buttons: list[tuple[str, str]], *, header: str | None = None, footer=None
) -> dict:
    """Up to three quick-reply buttons: [(id, title), …]; titles are cut to 20 characters."""
    if not 1 <= len(buttons) <= MAX_BUTTONS:
        raise ValueError(f"WhatsApp allows 1 to {MAX_BUTTONS} reply buttons")
    interactive = {
        "type": "button",
        "body": {"text": _cut(body, BODY_MAX)},
        "action": {
            "buttons": [
                {
                    "type": "reply",
                    "reply": {"id": str(id_)[:ID_MAX], "title": _cut(title, BUTTON_TITLE_MAX)},
                }
                for id_, title in buttons
            ]
        },
    }
    return _frame(interactive, header, footer)


def list_message(
    body: str,
    button: str,
    sections: list[tuple[str, list[tuple[str, str, str]]]],
    *,
    header: str | None = None,
    footer: str | None = None,
) -> dict:
    """A list: sections [(title, [(id, title, description), …]), …], ten rows in all."""
    rows = sum(len(section_rows) for _, section_rows in sections)
    if not 1 <= rows <= MAX_ROWS:
        raise ValueError(f"WhatsApp allows 1 to {MAX_ROWS} list rows")
    interactive = {
        "type": "list",
        "body": {"text": _cut(body, BODY_MAX)},
        "action": {
            "button": _cut(button, LIST_BUTTON_MAX),
            "sections": [
                {
                    "title": _cut(title, ROW_TITLE_MAX),
                    "rows": [
                        {
                            "id": str(id_)[:ID_MAX],
                            "title": _cut(row_title, ROW_TITLE_MAX),
                            **(
                                {"description": _cut(description, ROW_DESCRIPTION_MAX)}
                                if description
                                else {}
                            ),
                        }
                        for id_, row_title, description in section_rows
                    ],
                }
                for title, section_rows in sections
            ],
        },
    }
    return _frame(interactive, header, footer)
