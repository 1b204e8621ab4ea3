"""Reading a Cloud API webhook notification into plain records, or refusing it.

The shape (Graph API v2x, field "messages"):

    {"object": "whatsapp_business_account",
     "entry": [{"id": "<WABA id>", "changes": [{"field": "messages", "value": {
         "messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "...", "phone_number_id": "..."},
         "contacts": [{"profile": {"name": "..."}, "wa_id": "628..."}],
         "messages": [{"from": "628...", "id": "wamid...", "timestamp": "1700000000",
                       "type": "text", "text": {"body": "..."}}],
         "statuses": [{"id": "wamid...", "status": "delivered", "timestamp": "...",
                       "recipient_id": "628...", "errors": [{"code": ..., "title": ...}]}]}}]}]}

A payload that is not this shape raises PayloadError (the view answers 400). Unknown message
types, other webhook fields and other phone numbers are not errors: they are kept as a kind of
their own or skipped, so Meta does not retry them for a week.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

WABA_OBJECT = "whatsapp_business_account"
MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")
WA_ID_RE = re.compile(r"^\d{6,15}$")
TIMESTAMP_RE = re.compile(r"^\d{1,12}$")
MAX_ID = 128


class PayloadError(ValueError):
    """The notification is not a Cloud API webhook we can read."""


@dataclass(frozen=True)
class Message:
    provider_id: str
    wa_id: str
    sent_at: datetime
    kind: str
    text: str = ""
    media_id: str = ""
    media_mime: str = ""
    profile_name: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def phone(self) -> str:
        return "+" + self.wa_id


@dataclass(frozen=True)
class Status:
    provider_id: str
    status: str  # sent, delivered, read, failed (others are kept and ignored)
    at: datetime
    recipient_id: str = ""
    errors: tuple = ()
    raw: dict = field(default_factory=dict)


@dataclass
class Notification:
    messages: list[Message] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)


def without_nul(value):
    """The payload with NUL characters dropped: PostgreSQL's text and jsonb cannot hold them."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value


def _obj(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise PayloadError(f"{where} is not an object")
    return value


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{where} is not a list")
    return value


def _id(value, where: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_ID:
        raise PayloadError(f"{where} is not an id")
    return value


def _timestamp(value, where: str) -> datetime:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not TIMESTAMP_RE.match(value):
        raise PayloadError(f"{where} is not a unix timestamp")
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise PayloadError(f"{where} is out of range") from exc


def _text(value, limit: int | None = None) -> str:
    text = value if isinstance(value, str) else ""
    return text[:limit] if limit else text


def parse(payload, *, phone_number_id: str | None = None, nul_free: bool = False) -> Notification:
    """The messages and statuses in `payload` for our number (all numbers when None).
    `nul_free`: the caller knows the payload holds no NUL (its JSON has no \\u0000 escape)."""
    payload = _obj(payload, "payload")
    if not nul_free:
        payload = without_nul(payload)
    if payload.get("object") != WABA_OBJECT:
        raise PayloadError("object is not whatsapp_business_account")
    notification = Notification()
    for entry in _list(payload.get("entry"), "entry"):
        for change in _list(_obj(entry, "entry[]").get("changes"), "changes"):
            change = _obj(change, "changes[]")
            if change.get("field") != "messages":
                continue  # template reviews, account updates…: not ours to act on
            value = _obj(change.get("value"), "value")
            if value.get("messaging_product") != "whatsapp":
                raise PayloadError("messaging_product is not whatsapp")
            metadata = _obj(value.get("metadata"), "metadata")
            number = metadata.get("phone_number_id")
            if phone_number_id and str(number) != str(phone_number_id):
                continue  # another number on the same business account
            _read_value(value, notification)
    return notification


def _read_value(value: dict, notification: Notification) -> None:
    names = {}
    for contact in _list(value.get("contacts"), "contacts"):
        contact = _obj(contact, "contacts[]")
        profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
        names[str(contact.get("wa_id", ""))] = _text(profile.get("name"), 200)
    for raw in _list(value.get("messages"), "messages"):
        notification.messages.append(_message(_obj(raw, "messages[]"), names))
    for raw in _list(value.get("statuses"), "statuses"):
        notification.statuses.append(read_status(_obj(raw, "statuses[]")))


def _message(raw: dict, names: dict) -> Message:
    wa_id = raw.get("from")
    if not isinstance(wa_id, str) or not WA_ID_RE.match(wa_id):
        raise PayloadError("messages[].from is not a WhatsApp number")
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        raise PayloadError("messages[].type is missing")
    kind = kind[:20]
    text, media_id, media_mime = _content(raw, kind)
    return Message(
        provider_id=_id(raw.get("id"), "messages[].id"),
        wa_id=wa_id,
        sent_at=_timestamp(raw.get("timestamp"), "messages[].timestamp"),
        kind=kind,
        text=text,
        media_id=media_id[:MAX_ID],
        media_mime=media_mime[:100],
        profile_name=names.get(wa_id, ""),
        raw=raw,
    )


def _content(raw: dict, kind: str) -> tuple[str, str, str]:
    """(text, media id, media MIME type) for the message types Loket reads."""
    body = raw.get(kind) if isinstance(raw.get(kind), dict) else {}
    if kind == "text":
        return _text(body.get("body")), "", ""
    if kind in MEDIA_KINDS:
        return _text(body.get("caption")), _text(body.get("id")), _text(body.get("mime_type"))
    if kind == "interactive":
        return _text(_reply(body).get("title")), "", ""
    if kind == "button":  # a template's quick-reply button
        return _text(body.get("text")) or _text(body.get("payload")), "", ""
    if kind == "location":
        parts = [_text(body.get("name")), _text(body.get("address"))]
        return ", ".join(part for part in parts if part), "", ""
    return "", "", ""  # sticker-less oddities: reaction, contacts, order, system, unsupported…


def read_status(raw: dict) -> Status:
    raw = _obj(raw, "statuses[]")
    status = raw.get("status")
    if not isinstance(status, str) or not status:
        raise PayloadError("statuses[].status is missing")
    errors = tuple(
        {"code": error.get("code"), "title": _text(error.get("title"), 200)}
        for error in _list(raw.get("errors"), "statuses[].errors")
        if isinstance(error, dict)
    )
    recipient = raw.get("recipient_id")
    return Status(
        provider_id=_id(raw.get("id"), "statuses[].id"),
        status=status[:16],
        at=_timestamp(raw.get("timestamp"), "statuses[].timestamp"),
        recipient_id=recipient if isinstance(recipient, str) else "",
        errors=errors,
        raw=raw,
    )


def choice_id(raw: dict) -> str:
    """The id of the button or list row a resident chose ("" for other messages)."""
    kind = raw.get("type")
    body = raw.get(kind) if isinstance(kind, str) and isinstance(raw.get(kind), dict) else {}
    if kind == "interactive":
        return _text(_reply(body).get("id"))
    if kind == "button":
        return _text(body.get("payload"))
    return ""


def _reply(interactive: dict) -> dict:
    """The button_reply / list_reply object inside an interactive message."""
    reply_type = interactive.get("type")
    reply = interactive.get(reply_type) if isinstance(reply_type, str) else None
    return reply if isinstance(reply, dict) else {}
