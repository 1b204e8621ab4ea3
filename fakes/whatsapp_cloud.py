"""A local stand-in for Meta's WhatsApp Business Cloud API, for tests and `make demo`.

It follows the Cloud API as documented for Graph API v21.0 (any `/vNN.N/` prefix is accepted):

Graph API (what Loket calls), every call with `Authorization: Bearer <access token>`:

    POST /v21.0/{phone-number-id}/messages
      {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281…",
       "type": "text", "text": {"body": "…"}}                  (also "interactive", "template")
      -> 200 {"messaging_product": "whatsapp", "contacts": [{"input": "6281…", "wa_id": "6281…"}],
              "messages": [{"id": "wamid.…"}]}
    GET /v21.0/{media-id}
      -> 200 {"messaging_product": "whatsapp", "url": "<this server>/media/<id>?…",
              "mime_type": "image/jpeg", "sha256": "<hex>", "file_size": 1234, "id": "<id>"}
    GET /media/{media-id}   -> the bytes (the bearer token is required here too)

    Errors have Meta's shape {"error": {"message", "type", "code", "error_subcode",
    "error_data": {"messaging_product", "details"}, "fbtrace_id"}}: 401/#190 for a bad token,
    400/#100 for a bad request, 400/#131009 for an interactive message over the limits
    (3 buttons of ≤ 20 characters, 10 list rows of ≤ 24), 404/#132001 for an unknown template,
    400/#132000 for a wrong number of template parameters, 429/#130429, 500/#131000,
    503/#131016. `state.fail_next = [429, 500, "timeout", …]` answers the next calls so.

Webhooks (what Loket receives), POSTed to `webhook_url` with `X-Hub-Signature-256:
sha256=<HMAC-SHA256 of the raw body with the app secret>`:

    {"object": "whatsapp_business_account", "entry": [{"id": "<WABA id>", "changes": [
      {"field": "messages", "value": {"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "…", "phone_number_id": "…"},
        "contacts": [{"profile": {"name": "…"}, "wa_id": "6281…"}],
        "messages": [{"from": "6281…", "id": "wamid.…", "timestamp": "1732412345",
                      "type": "text", "text": {"body": "…"}}]}}]}]}

    message types built here: text, image, document, interactive (button_reply, list_reply),
    sticker, location, unsupported; statuses: sent, delivered, read, failed (with errors[]).

`state.resident_sends_text(phone, text)` and friends build such a payload, sign it and POST it,
returning the HTTP status; `state.post_status(wamid, "delivered")` sends a status. With
`auto_status` on (the demo) every accepted send is followed by "sent" and "delivered" (or,
with `enforce_window`, "failed" #131047 when the number has not written in 24 hours).

`GET /` is a chat page: type as a resident, send a photo or document, press the bot's buttons,
and read what Loket sent to that number. `GET /api/sent` lists every send as JSON.
"""

import argparse
import base64
import hashlib
import hmac
import html
import http.client
import json
import re
import secrets
import threading
import time
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

API_VERSION = "v21.0"
DEFAULT_PHONE_NUMBER_ID = "100000000000001"
DEFAULT_DISPLAY_NUMBER = "6285100000001"
WABA_ID = "200000000000001"
WINDOW_SECONDS = 24 * 3600
NUMBER_RE = re.compile(r"^\d{8,15}$")
VERSION_RE = re.compile(r"^/(v\d+\.\d+)/([^/?]+)(/messages)?/?$")
MAX_UPLOAD = 16 * 1024 * 1024


# --- payload builders: the Cloud API's webhook shapes ------------------------------------------


def wa_id(phone: str) -> str:
    return re.sub(r"\D", "", str(phone))


def new_wamid() -> str:
    return (
        "wamid." + base64.b64encode(b"\x15\x02\x00\x11\x18\x12" + secrets.token_bytes(18)).decode()
    )


def now_timestamp() -> str:
    return str(int(time.time()))


def sign(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict) -> bytes:
    """JSON as Meta sends it: compact, non-ASCII escaped as \\uXXXX."""
    return json.dumps(payload, separators=(",", ":")).encode()


def _message(phone: str, kind: str, content: dict, *, message_id=None, timestamp=None, **extra):
    return {
        "from": wa_id(phone),
        "id": message_id or new_wamid(),
        "timestamp": timestamp or now_timestamp(),
        **extra,
        "type": kind,
        **({kind: content} if content is not None else {}),
    }


def text_message(phone: str, body: str, **kw) -> dict:
    return _message(phone, "text", {"body": body}, **kw)


def image_message(phone, media_id, mime_type, sha256_b64, caption="", **kw) -> dict:
    image = {"mime_type": mime_type, "sha256": sha256_b64, "id": media_id}
    if caption:
        image["caption"] = caption
    return _message(phone, "image", image, **kw)


def document_message(phone, media_id, mime_type, sha256_b64, filename, caption="", **kw) -> dict:
    document = {"filename": filename, "mime_type": mime_type, "sha256": sha256_b64, "id": media_id}
    if caption:
        document["caption"] = caption
    return _message(phone, "document", document, **kw)


def button_reply_message(phone, reply_id, title, *, context=None, **kw) -> dict:
    interactive = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    extra = {"context": context} if context else {}
    return _message(phone, "interactive", interactive, **extra, **kw)


def list_reply_message(phone, reply_id, title, description="", *, context=None, **kw) -> dict:
    reply = {"id": reply_id, "title": title}
    if description:
        reply["description"] = description
    interactive = {"type": "list_reply", "list_reply": reply}
    extra = {"context": context} if context else {}
    return _message(phone, "interactive", interactive, **extra, **kw)


def sticker_message(phone, media_id="sticker-1", **kw) -> dict:
    sticker = {"mime_type": "image/webp", "sha256": "", "id": media_id, "animated": False}
    return _message(phone, "sticker", sticker, **kw)


def location_message(phone, latitude=-1.2654, longitude=116.8312, name="", address="", **kw):
    location = {"latitude": latitude, "longitude": longitude}
    if name:
        location["name"] = name
    if address:
        location["address"] = address
    return _message(phone, "location", location, **kw)


def unsupported_message(phone, **kw) -> dict:
    errors = [
        {
            "code": 131051,
            "title": "Message type unknown",
            "message": "Message type unknown",
            "error_data": {"details": "Message type is currently not supported."},
        }
    ]
    return _message(phone, "unsupported", None, errors=errors, **kw)


def status_update(message_id, recipient, status, errors=None, timestamp=None) -> dict:
    update = {
        "id": message_id,
        "status": status,
        "timestamp": timestamp or now_timestamp(),
        "recipient_id": wa_id(recipient),
    }
    if status in ("sent", "delivered"):
        update["conversation"] = {"id": secrets.token_hex(16), "origin": {"type": "service"}}
        update["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "service"}
    if errors:
        update["errors"] = errors
    return update


def failure(code=131026, title="Message undeliverable", details="Message Undeliverable.") -> dict:
    return {"code": code, "title": title, "message": title, "error_data": {"details": details}}


def notification(
    messages=(),
    statuses=(),
    contacts=(),
    *,
    phone_number_id=DEFAULT_PHONE_NUMBER_ID,
    display_phone_number=DEFAULT_DISPLAY_NUMBER,
) -> dict:
    """A whole webhook notification around some messages and/or statuses."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": display_phone_number,
            "phone_number_id": phone_number_id,
        },
    }
    if contacts:
        value["contacts"] = list(contacts)
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def contact(phone: str, name: str = "Warga") -> dict:
    return {"profile": {"name": name}, "wa_id": wa_id(phone)}


def graph_error(code, message, *, type_="OAuthException", subcode=None, details=None) -> dict:
    error = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    return {"error": error}


FAILURES = {
    400: lambda: graph_error(100, "(#100) Invalid parameter", details="Invalid parameter"),
    401: lambda: graph_error(
        190, "Error validating access token: Session has expired.", subcode=463
    ),
    429: lambda: graph_error(
        130429,
        "(#130429) Rate limit hit",
        details="Cloud API message throughput has been reached.",
    ),
    500: lambda: graph_error(
        131000, "(#131000) Something went wrong", details="Something went wrong"
    ),
    503: lambda: graph_error(
        131016, "(#131016) Service unavailable", details="Service unavailable"
    ),
}


def canned_failure(status: int) -> dict:
    return FAILURES.get(status, lambda: graph_error(1, "An unknown error occurred"))()


class Refused(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(status)
        self.status, self.body = status, body


def invalid(details: str, code=131009, message="(#131009) Parameter value is not valid"):
    return Refused(400, graph_error(code, message, details=details))


# --- the state a test or the demo drives -------------------------------------------------------


class WhatsAppCloudState:
    def __init__(
        self,
        *,
        app_secret: str,
        access_token: str,
        webhook_url: str,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        display_phone_number: str = DEFAULT_DISPLAY_NUMBER,
    ):
        self.app_secret = app_secret
        self.access_token = access_token
        self.webhook_url = webhook_url
        self.phone_number_id = phone_number_id
        self.display_phone_number = display_phone_number
        self.base_url = ""
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sent: list[dict] = []  # what Loket sent, oldest first
        self.inbound: list[dict] = []  # what residents sent, oldest first
        self.statuses: list[dict] = []  # statuses posted to Loket
        self.calls: list[tuple[str, str]] = []  # (method, path) of every Graph/media call
        self.media: dict[str, dict] = {}
        self.last_inbound_at: dict[str, float] = {}
        self.fail_next: list = []  # 429, 500, "timeout"…: answers for the next Graph calls
        self.timeout_seconds = 30.0  # how long a "timeout" keeps the caller waiting
        self.templates = {"loket_pemberitahuan": 1}  # approved templates → body parameters
        self.auto_status = False
        self.enforce_window = False
        self.status_delay = 0.2
        self._seq = 0

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # Meta → Loket ------------------------------------------------------------------------

    def post(self, payload: dict, *, signature: str | None = None, body: bytes | None = None):
        """POST a notification to Loket, signed unless `signature` says otherwise; the status."""
        raw = body if body is not None else encode(payload)
        headers = {"Content-Type": "application/json"}
        signature = sign(raw, self.app_secret) if signature is None else signature
        if signature:
            headers["X-Hub-Signature-256"] = signature
        return post_raw(self.webhook_url, raw, headers)

    def resident_sends(self, phone: str, message: dict, *, name: str = "Warga") -> int:
        """Deliver one resident message (built with the helpers above) to Loket."""
        with self.lock:
            self.last_inbound_at[wa_id(phone)] = time.time()
            record = {"seq": self._next_seq(), "from": wa_id(phone), "message": message}
            self.inbound.append(record)
        payload = notification(
            [message],
            contacts=[contact(phone, name)],
            phone_number_id=self.phone_number_id,
            display_phone_number=self.display_phone_number,
        )
        record["webhook_status"] = self.post(payload)
        return record["webhook_status"]

    def resident_sends_text(self, phone: str, text: str, **kw) -> int:
        return self.resident_sends(phone, text_message(phone, text), **kw)

    def add_media(self, content: bytes, mime_type: str, filename: str = "") -> str:
        media_id = str(10**15 + secrets.randbelow(9 * 10**15))
        with self.lock:
            self.media[media_id] = {
                "content": content,
                "mime_type": mime_type,
                "filename": filename,
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        return media_id

    def resident_sends_image(self, phone, content: bytes, mime_type="image/jpeg", caption="", **kw):
        media_id = self.add_media(content, mime_type)
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        message = image_message(phone, media_id, mime_type, digest, caption)
        return self.resident_sends(phone, message, **kw)

    def resident_sends_document(
        self,
        phone,
        content: bytes,
        mime_type="application/pdf",
        filename="berkas.pdf",
        caption="",
        **kw,
    ):
        media_id = self.add_media(content, mime_type, filename)
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        message = document_message(phone, media_id, mime_type, digest, filename, caption)
        return self.resident_sends(phone, message, **kw)

    def _context(self, phone: str) -> dict | None:
        last = self.last_sent_to(phone, kind="interactive")
        return {"from": self.display_phone_number, "id": last["id"]} if last else None

    def resident_presses_button(self, phone, reply_id, title, **kw) -> int:
        message = button_reply_message(phone, reply_id, title, context=self._context(phone))
        return self.resident_sends(phone, message, **kw)

    def resident_picks_from_list(self, phone, reply_id, title, description="", **kw) -> int:
        message = list_reply_message(
            phone, reply_id, title, description, context=self._context(phone)
        )
        return self.resident_sends(phone, message, **kw)

    def post_status(self, provider_id: str, status: str, errors=None, *, recipient=None) -> int:
        """Tell Loket what became of message `provider_id` (sent, delivered, read, failed)."""
        if recipient is None:
            sent = next((m for m in self.sent if m["id"] == provider_id), None)
            recipient = sent["to"] if sent else "6280000000000"
        update = status_update(provider_id, recipient, status, errors)
        with self.lock:
            self.statuses.append(update)
        payload = notification(
            statuses=[update],
            phone_number_id=self.phone_number_id,
            display_phone_number=self.display_phone_number,
        )
        return self.post(payload)

    # what Loket sent -----------------------------------------------------------------------

    def sent_to(self, phone: str, kind: str | None = None) -> list[dict]:
        with self.lock:
            return [m for m in self.sent if m["to"] == wa_id(phone) and kind in (None, m["type"])]

    def last_sent_to(self, phone: str, kind: str | None = None) -> dict | None:
        sent = self.sent_to(phone, kind)
        return sent[-1] if sent else None

    def texts_to(self, phone: str) -> list[str]:
        return [readable(m) for m in self.sent_to(phone)]

    def record_send(self, payload: dict) -> dict:
        to = wa_id(payload["to"])
        with self.lock:
            last = self.last_inbound_at.get(to)
            outside = payload["type"] != "template" and (
                last is None or time.time() - last > WINDOW_SECONDS
            )
            record = {
                "seq": self._next_seq(),
                "id": new_wamid(),
                "to": to,
                "type": payload["type"],
                "payload": payload,
                "outside_window": outside,
                "at": datetime.now(UTC).isoformat(),
            }
            self.sent.append(record)
        if self.auto_status:
            threading.Thread(target=self._auto_statuses, args=(record,), daemon=True).start()
        return record

    def _auto_statuses(self, record: dict) -> None:
        try:
            self._report(record)
        except OSError:  # Loket is not listening (demo stopped, test over)
            return

    def _report(self, record: dict) -> None:
        if self.stopping.wait(self.status_delay):
            return
        if self.enforce_window and record["outside_window"]:
            error = failure(
                131047,
                "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number.",
            )
            self.post_status(record["id"], "failed", [error], recipient=record["to"])
            return
        for status in ("sent", "delivered"):
            self.post_status(record["id"], status, recipient=record["to"])
            if self.stopping.wait(self.status_delay):
                return


def post_raw(url: str, body: bytes, headers: dict, timeout: float = 30) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path or "/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def readable(sent: dict) -> str:
    """A sent message as the resident's phone would show it, in plain text."""
    payload = sent["payload"]
    if sent["type"] == "text":
        return payload["text"]["body"]
    if sent["type"] == "interactive":
        interactive = payload["interactive"]
        return interactive.get("body", {}).get("text", "")
    if sent["type"] == "template":
        params = [
            p.get("text", "")
            for c in payload["template"].get("components", [])
            for p in c.get("parameters", [])
        ]
        return " ".join(params) or f"[{payload['template']['name']}]"
    return f"[{sent['type']}]"


# --- validating sends as the Graph API does ----------------------------------------------------


def _length(value, limit: int, what: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= limit:
        raise invalid(f"{what} length invalid. Min length: 1, Max length: {limit}")
    return value


def check_interactive(interactive) -> None:
    if not isinstance(interactive, dict):
        raise invalid("Param interactive must be an object", 100, "(#100) Invalid parameter")
    kind = interactive.get("type")
    _length((interactive.get("body") or {}).get("text"), 1024, "Body text")
    action = interactive.get("action") or {}
    if kind == "button":
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise invalid("Buttons count invalid. Min: 1, Max: 3")
        ids = set()
        for button in buttons:
            reply = (button or {}).get("reply") or {}
            if button.get("type") != "reply":
                raise invalid("Button type invalid")
            _length(reply.get("title"), 20, "Button title")
            ids.add(_length(reply.get("id"), 256, "Button id"))
        if len(ids) != len(buttons):
            raise invalid("Button id is duplicated")
    elif kind == "list":
        _length(action.get("button"), 20, "Button label")
        sections = action.get("sections")
        if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
            raise invalid("Sections count invalid. Min: 1, Max: 10")
        rows = [row for section in sections for row in (section or {}).get("rows") or []]
        if not 1 <= len(rows) <= 10:
            raise invalid("Total row count exceed max allowed count: 10")
        if len(sections) > 1 and not all((s or {}).get("title") for s in sections):
            raise invalid("Section title is required when there is more than one section")
        for row in rows:
            _length(row.get("title"), 24, "Row title")
            _length(row.get("id"), 200, "Row id")
            if "description" in row:
                _length(row["description"], 72, "Row description")
    else:
        raise invalid("Interactive type is not supported", 100, "(#100) Invalid parameter")


def check_template(state: WhatsAppCloudState, template) -> None:
    if not isinstance(template, dict) or not template.get("name"):
        raise invalid("Param template['name'] is required", 100, "(#100) Invalid parameter")
    name = template["name"]
    language = (template.get("language") or {}).get("code")
    if name not in state.templates or not language:
        raise Refused(
            404,
            graph_error(
                132001,
                "(#132001) Template name does not exist in the translation",
                details=f"template name ({name}) does not exist in {language}",
            ),
        )
    params = [
        p
        for c in template.get("components") or []
        if (c or {}).get("type") == "body"
        for p in (c.get("parameters") or [])
    ]
    if len(params) != state.templates[name]:
        raise Refused(
            400,
            graph_error(
                132000,
                "(#132000) Number of parameters does not match the expected number of params",
                details=f"body: number of localizable_params ({len(params)}) does not match "
                f"the expected number of params ({state.templates[name]})",
            ),
        )
    for param in params:
        text = (param or {}).get("text")
        if not isinstance(text, str) or re.search(r"[\n\t]| {5,}", text) or not text.strip():
            raise Refused(
                400,
                graph_error(
                    132018,
                    "(#132018) There was an issue with the parameters in your template.",
                    details="Param text cannot have new-line/tab characters or more than "
                    "4 consecutive spaces",
                ),
            )


def check_send(state: WhatsAppCloudState, payload) -> None:
    if not isinstance(payload, dict):
        raise invalid("Request body is not an object", 100, "(#100) Invalid parameter")
    if payload.get("messaging_product") != "whatsapp":
        raise invalid("", 100, "(#100) The parameter messaging_product is required.")
    to = payload.get("to")
    if not isinstance(to, str) or not NUMBER_RE.match(wa_id(to)):
        raise invalid("Invalid phone number", 100, "(#100) Invalid parameter")
    kind = payload.get("type", "text")
    payload["type"] = kind
    if kind == "text":
        body = (payload.get("text") or {}).get("body")
        if not isinstance(body, str) or not body:
            raise invalid("", 100, "(#100) The parameter text['body'] is required.")
        if len(body) > 4096:
            raise invalid(
                "", 100, "(#100) Param text['body'] must be at most 4096 characters long."
            )
    elif kind == "interactive":
        check_interactive(payload.get("interactive"))
    elif kind == "template":
        check_template(state, payload.get("template"))
    elif kind in ("image", "document"):
        media = payload.get(kind) or {}
        if not (media.get("id") or media.get("link")):
            raise invalid(f"Param {kind} must have id or link", 100, "(#100) Invalid parameter")
    else:
        raise invalid("Unsupported message type", 100, "(#100) Invalid parameter")


# --- the HTTP server ---------------------------------------------------------------------------


def make_handler(state: WhatsAppCloudState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str, extra=None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, payload) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json")

        def _html(self, page: str) -> None:
            self._send(200, page.encode(), "text/html; charset=utf-8")

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(min(length, MAX_UPLOAD))

        def _authorized(self) -> bool:
            expected = f"Bearer {state.access_token}".encode()
            given = (self.headers.get("Authorization") or "").encode()
            if hmac.compare_digest(given, expected):
                return True
            self._json(
                401,
                graph_error(
                    190, "Invalid OAuth access token - Cannot parse access token", subcode=None
                ),
            )
            return False

        def _failure_due(self) -> bool:
            """Answer with the next canned failure, if a test asked for one."""
            with state.lock:
                due = state.fail_next.pop(0) if state.fail_next else None
            if due is None:
                return False
            if due == "timeout":
                state.stopping.wait(state.timeout_seconds)
                self.close_connection = True
                return True
            self._json(int(due), canned_failure(int(due)))
            return True

        def do_GET(self):
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if not parts.path.startswith(("/chat", "/api/")) and parts.path != "/":
                with state.lock:
                    state.calls.append(("GET", parts.path))
            if parts.path == "/":
                return self._html(chat_page(state, _phone(query)))
            if parts.path == "/chat/feed":
                return self._html(chat_feed(state, _phone(query)))
            if parts.path == "/api/sent":
                with state.lock:
                    return self._json(200, {"messages": list(state.sent)})
            if parts.path.startswith("/media/"):
                return self._media_bytes(parts.path.removeprefix("/media/"))
            match = VERSION_RE.match(parts.path)
            if match and not match.group(3):
                return self._media_meta(match.group(2))
            return self._json(
                404, graph_error(100, "Unknown path components", type_="OAuthException")
            )

        def _media_meta(self, media_id: str):
            if not self._authorized() or self._failure_due():
                return
            media = state.media.get(media_id)
            if media is None:
                return self._json(400, _no_object("get", media_id))
            ext = media["mime_type"].split("/")[-1]
            return self._json(
                200,
                {
                    "messaging_product": "whatsapp",
                    "url": f"{state.base_url}/media/{media_id}"
                    f"?ext={quote(ext)}&hash={secrets.token_hex(8)}",
                    "mime_type": media["mime_type"],
                    "sha256": media["sha256"],
                    "file_size": len(media["content"]),
                    "id": media_id,
                },
            )

        def _media_bytes(self, media_id: str):
            if not self._authorized():
                return
            media = state.media.get(media_id)
            if media is None:
                return self._json(404, graph_error(100, "Media not found"))
            return self._send(200, media["content"], media["mime_type"])

        def do_POST(self):
            parts = urlsplit(self.path)
            if parts.path == "/chat":
                return self._chat_post()
            with state.lock:
                state.calls.append(("POST", parts.path))
            match = VERSION_RE.match(parts.path)
            if not match or not match.group(3):
                return self._json(404, graph_error(100, "Unknown path components"))
            body = self._body()
            if not self._authorized() or self._failure_due():
                return
            if match.group(2) != state.phone_number_id:
                return self._json(400, _no_object("post", match.group(2)))
            try:
                payload = json.loads(body)
                check_send(state, payload)
            except ValueError:
                return self._json(400, graph_error(100, "(#100) Invalid parameter"))
            except Refused as refused:
                return self._json(refused.status, refused.body)
            record = state.record_send(payload)
            message = {"id": record["id"]}
            if payload["type"] == "template":
                message["message_status"] = "accepted"
            return self._json(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": payload["to"], "wa_id": record["to"]}],
                    "messages": [message],
                },
            )

        def _chat_post(self):
            fields, upload = parse_form(self.headers.get("Content-Type", ""), self._body())
            phone = "+" + (wa_id(fields.get("phone", "")) or "6281234567890")
            name = fields.get("name") or "Warga"
            try:
                if upload and upload[0]:
                    content, mime_type, filename = upload
                    if mime_type.startswith("image/"):
                        state.resident_sends_image(
                            phone, content, mime_type, fields.get("text", ""), name=name
                        )
                    else:
                        state.resident_sends_document(
                            phone,
                            content,
                            mime_type,
                            filename or "berkas",
                            fields.get("text", ""),
                            name=name,
                        )
                elif fields.get("reply_id"):
                    if fields.get("reply_kind") == "list":
                        state.resident_picks_from_list(
                            phone, fields["reply_id"], fields.get("reply_title", ""), name=name
                        )
                    else:
                        state.resident_presses_button(
                            phone, fields["reply_id"], fields.get("reply_title", ""), name=name
                        )
                elif fields.get("text", "").strip():
                    state.resident_sends_text(phone, fields["text"], name=name)
            except OSError:
                pass  # Loket is not running: the page shows the message without an answer
            location = f"/?phone={quote(phone)}&name={quote(name)}"
            self._send(303, b"", "text/plain", {"Location": location})

    return Handler


def _no_object(method: str, object_id: str) -> dict:
    return graph_error(
        100,
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        type_="GraphMethodException",
        subcode=33,
    )


def _phone(query: dict) -> str:
    return "+" + (wa_id((query.get("phone") or [""])[0]) or "6281234567890")


def parse_form(content_type: str, body: bytes) -> tuple[dict, tuple | None]:
    """Fields of a urlencoded or multipart form, and (bytes, mime, filename) of its file."""
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        fields, upload = {}, None
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                if payload:
                    upload = (payload, part.get_content_type(), part.get_filename())
            elif name:
                fields[name] = payload.decode("utf-8", "replace")
        return fields, upload
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}, None


# --- the demo chat page ------------------------------------------------------------------------

PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:0 auto;padding:1rem;"
    "background:#efeae2}#feed{display:flex;flex-direction:column;gap:.4rem;margin:1rem 0}"
    ".m{padding:.5rem .7rem;border-radius:.6rem;max-width:85%;white-space:pre-wrap;"
    "box-shadow:0 1px 1px #0002}.in{align-self:flex-end;background:#d9fdd3}"
    ".out{align-self:flex-start;background:#fff}.m form{display:inline}"
    ".m button{margin:.3rem .3rem 0 0}small{color:#667}"
    "form.say{display:flex;gap:.4rem;flex-wrap:wrap}form.say input[name=text]{flex:1}"
)


def chat_page(state: WhatsAppCloudState, phone: str) -> str:
    escaped = html.escape(phone)
    feed_url = html.escape(f"/chat/feed?phone={quote(phone)}")
    return (
        "<!doctype html><html lang=id><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>WhatsApp (tiruan) — {escaped}</title><style>{PAGE_STYLE}</style>"
        "<h1>WhatsApp (tiruan)</h1>"
        "<p><small>Anda menulis sebagai warga. Nomor kantor: "
        f"+{html.escape(state.display_phone_number)}</small></p>"
        "<form method=get action='/'><label>Nomor Anda "
        f"<input name=phone value='{escaped}' inputmode=tel></label> <button>Ganti</button></form>"
        f"<div id=feed>{chat_feed(state, phone)}</div>"
        "<form class=say method=post action='/chat' enctype='multipart/form-data'>"
        f"<input type=hidden name=phone value='{escaped}'>"
        "<input name=text placeholder='Ketik pesan…' autocomplete=off autofocus>"
        "<input type=file name=file accept='image/*,application/pdf'>"
        "<button>Kirim</button></form>"
        "<script>setInterval(function(){fetch("
        f"'{feed_url}').then(function(r){{return r.text()}})"
        ".then(function(h){var f=document.getElementById('feed');"
        "if(f.innerHTML!==h){f.innerHTML=h;window.scrollTo(0,document.body.scrollHeight)}})},1500)"
        "</script></html>"
    )


def chat_feed(state: WhatsAppCloudState, phone: str) -> str:
    number = wa_id(phone)
    with state.lock:
        items = [(r["seq"], "in", r["message"]) for r in state.inbound if r["from"] == number]
        items += [(m["seq"], "out", m) for m in state.sent if m["to"] == number]
    items.sort(key=lambda item: item[0])
    if not items:
        return "<p><small>Belum ada pesan. Coba ketik <b>menu</b>.</small></p>"
    return "".join(
        _bubble_in(item) if side == "in" else _bubble_out(item, phone) for _, side, item in items
    )


def _bubble_in(message: dict) -> str:
    kind = message.get("type")
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        text = body.get("body", "")
    elif kind == "interactive":
        reply = body.get(body.get("type"), {})
        text = f"▸ {reply.get('title', '')}"
    elif kind in ("image", "document"):
        label = "📷 foto" if kind == "image" else f"📄 {body.get('filename', 'dokumen')}"
        text = label + (f" — {body['caption']}" if body.get("caption") else "")
    else:
        text = f"[{kind}]"
    return f"<div class='m in'>{html.escape(text)}</div>"


def _bubble_out(sent: dict, phone: str) -> str:
    text = html.escape(readable(sent))
    buttons = ""
    if sent["type"] == "interactive":
        interactive = sent["payload"]["interactive"]
        choices = []
        if interactive.get("type") == "button":
            choices = [
                ("button", b["reply"]["id"], b["reply"]["title"])
                for b in interactive["action"]["buttons"]
            ]
        elif interactive.get("type") == "list":
            choices = [
                ("list", row["id"], row["title"])
                for section in interactive["action"]["sections"]
                for row in section.get("rows", [])
            ]
        buttons = "<br>" + "".join(
            "<form method=post action='/chat'>"
            f"<input type=hidden name=phone value='{html.escape(phone)}'>"
            f"<input type=hidden name=reply_kind value='{kind}'>"
            f"<input type=hidden name=reply_id value='{html.escape(id_)}'>"
            f"<input type=hidden name=reply_title value='{html.escape(title)}'>"
            f"<button>{html.escape(title)}</button></form>"
            for kind, id_, title in choices
        )
    note = " <small>(template)</small>" if sent["type"] == "template" else ""
    return f"<div class='m out'>{text}{note}{buttons}</div>"


# --- running it --------------------------------------------------------------------------------


def serve(
    host: str,
    port: int,
    *,
    app_secret: str,
    access_token: str,
    webhook_url: str,
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
    display_phone_number: str = DEFAULT_DISPLAY_NUMBER,
) -> tuple[ThreadingHTTPServer, WhatsAppCloudState]:
    state = WhatsAppCloudState(
        app_secret=app_secret,
        access_token=access_token,
        webhook_url=webhook_url,
        phone_number_id=phone_number_id,
        display_phone_number=display_phone_number,
    )
    server = ThreadingHTTPServer((host, port), make_handler(state))
    state.base_url = f"http://{host}:{server.server_address[1]}"
    return server, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8040)
    parser.add_argument("--app-secret", default="demo-whatsapp-app-secret")
    parser.add_argument("--access-token", default="demo-whatsapp-token")
    parser.add_argument("--phone-number-id", default=DEFAULT_PHONE_NUMBER_ID)
    parser.add_argument("--webhook-url", default="http://127.0.0.1:8000/channels/whatsapp/webhook")
    parser.add_argument(
        "--no-auto-status", action="store_true", help="do not post sent/delivered statuses"
    )
    args = parser.parse_args()
    server, state = serve(
        args.host,
        args.port,
        app_secret=args.app_secret,
        access_token=args.access_token,
        webhook_url=args.webhook_url,
        phone_number_id=args.phone_number_id,
    )
    state.auto_status = not args.no_auto_status
    state.enforce_window = state.auto_status
    print(
        f"Fake WhatsApp Cloud API on {state.base_url}/ → webhooks to {args.webhook_url}", flush=True
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
