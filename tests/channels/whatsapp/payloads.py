"""Webhook notifications in the shape the Cloud API sends them (Graph API v2x), for replay.

Each is what Meta posts for one event, with our test phone-number id; ids and numbers are
made up. VALID maps a name to (payload, what Loket should store: [(kind, text, media_id)]).
MALFORMED maps a name to raw bytes a forger or a broken proxy might send: each must get a 4xx.
"""

import json

PHONE_NUMBER_ID = "100000000000001"
DISPLAY_NUMBER = "6285100000001"
WABA_ID = "200000000000001"
RESIDENT = "6281234567890"
TS = "1732412345"


def envelope(value_extra: dict, *, phone_number_id=PHONE_NUMBER_ID, field="messages") -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": DISPLAY_NUMBER,
                                "phone_number_id": phone_number_id,
                            },
                            **value_extra,
                        },
                        "field": field,
                    }
                ],
            }
        ],
    }


def incoming(message: dict, *, name="Siti Aminah", **kw) -> dict:
    contacts = [{"profile": {"name": name}, "wa_id": message["from"]}]
    return envelope({"contacts": contacts, "messages": [message]}, **kw)


def statuses(*items: dict) -> dict:
    return envelope({"statuses": list(items)})


def status(wamid: str, name: str, *, ts=TS, errors=None, recipient=RESIDENT) -> dict:
    item = {"id": wamid, "status": name, "timestamp": ts, "recipient_id": recipient}
    if name in ("sent", "delivered"):
        item["conversation"] = {
            "id": "0f4c1a8e5b2d4c6f8a9b0c1d2e3f4a5b",
            "origin": {"type": "service"},
        }
        item["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "service"}
    if errors:
        item["errors"] = errors
    return item


UNDELIVERABLE = {
    "code": 131026,
    "title": "Message undeliverable",
    "message": "Message undeliverable",
    "error_data": {"details": "Message Undeliverable."},
}
RE_ENGAGEMENT = {
    "code": 131047,
    "title": "Re-engagement message",
    "message": "Re-engagement message",
    "error_data": {
        "details": "Message failed to send because more than 24 hours have passed since the "
        "customer last replied to this number."
    },
}

TEXT = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkA",
        "timestamp": TS,
        "text": {
            "body": "#KTP#6471054107900001#6471050101100003#SITI#SEPINGGAN"
            "#BALIKPAPAN SELATAN#PEMULA#"
        },
        "type": "text",
    }
)
TEXT_EMOJI = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkB",
        "timestamp": TS,
        "text": {"body": "Halo kak 🙏 mau tanya KTP ✨ — terima kasih"},
        "type": "text",
    }
)
TEXT_NUL = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkP",
        "timestamp": TS,
        "text": {"body": "STATUS\u0000 6471"},
        "type": "text",
    },
    name="Si\u0000ti",
)
IMAGE = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkC",
        "timestamp": TS,
        "type": "image",
        "image": {
            "caption": "KK",
            "mime_type": "image/jpeg",
            "sha256": "xnr4yBBq30l6B9SI4dn9ZG58WOQ8cTq+Yy2DwxlK0WM=",
            "id": "1234567890123456",
        },
    }
)
DOCUMENT = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkD",
        "timestamp": TS,
        "type": "document",
        "document": {
            "caption": "akta kelahiran",
            "filename": "akta.pdf",
            "mime_type": "application/pdf",
            "sha256": "Bq6yJLtT6ZV0C8cQ6m0SbAEcyOdDbLWgKZ9U4l9qH4g=",
            "id": "2345678901234567",
        },
    }
)
BUTTON_REPLY = incoming(
    {
        "context": {"from": DISPLAY_NUMBER, "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ2"},
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkE",
        "timestamp": TS,
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": "svc:KIA", "title": "KIA"}},
    }
)
LIST_REPLY = incoming(
    {
        "context": {"from": DISPLAY_NUMBER, "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ3"},
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkF",
        "timestamp": TS,
        "type": "interactive",
        "interactive": {
            "type": "list_reply",
            "list_reply": {
                "id": "svc:KK",
                "title": "Kartu Keluarga",
                "description": "Baru, perubahan, hilang",
            },
        },
    }
)
TEMPLATE_BUTTON = incoming(
    {
        "context": {"from": DISPLAY_NUMBER, "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ4"},
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkG",
        "timestamp": TS,
        "type": "button",
        "button": {"payload": "status", "text": "Cek status"},
    }
)
STICKER = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkH",
        "timestamp": TS,
        "type": "sticker",
        "sticker": {
            "mime_type": "image/webp",
            "sha256": "4Hn0Ys1G0jQ0lkXBY5yP3SqjW1ObZQgC1uLrCbA0Wzc=",
            "id": "3456789012345678",
            "animated": False,
        },
    }
)
LOCATION = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkI",
        "timestamp": TS,
        "type": "location",
        "location": {
            "latitude": -1.2654,
            "longitude": 116.8312,
            "name": "Kantor Camat",
            "address": "Jl. Jend. Sudirman, Balikpapan",
        },
    }
)
AUDIO = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkJ",
        "timestamp": TS,
        "type": "audio",
        "audio": {
            "mime_type": "audio/ogg; codecs=opus",
            "sha256": "2bIVv3KxR4T1qEoRpKcXc1CtJcL6h0dhRmGv0x3hXcE=",
            "id": "4567890123456789",
            "voice": True,
        },
    }
)
REACTION = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkK",
        "timestamp": TS,
        "type": "reaction",
        "reaction": {"message_id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ2", "emoji": "👍"},
    }
)
CONTACTS = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkL",
        "timestamp": TS,
        "type": "contacts",
        "contacts": [
            {
                "name": {"formatted_name": "Budi", "first_name": "Budi"},
                "phones": [{"phone": "+62 811"}],
            }
        ],
    }
)
UNSUPPORTED = incoming(
    {
        "from": RESIDENT,
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkM",
        "timestamp": TS,
        "errors": [
            {
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."},
            }
        ],
        "type": "unsupported",
    }
)
TWO_MESSAGES = envelope(
    {
        "contacts": [
            {"profile": {"name": "Siti"}, "wa_id": RESIDENT},
            {"profile": {"name": "Budi"}, "wa_id": "6281299998888"},
        ],
        "messages": [
            {
                "from": RESIDENT,
                "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkN",
                "timestamp": TS,
                "text": {"body": "menu"},
                "type": "text",
            },
            {
                "from": "6281299998888",
                "id": "wamid.HBgNNjI4MTI5OTk5ODg4OBUCABIYFjNFQjBDMEZGRjQyNjE1MjU2MzNBQTkO",
                "timestamp": TS,
                "text": {"body": "STATUS 6471-KTP-2026-000001"},
                "type": "text",
            },
        ],
    }
)

VALID = {
    "text": (
        TEXT,
        [("text", TEXT["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"], "")],
    ),
    "text_emoji": (TEXT_EMOJI, [("text", "Halo kak 🙏 mau tanya KTP ✨ — terima kasih", "")]),
    "text_nul": (TEXT_NUL, [("text", "STATUS 6471", "")]),
    "image": (IMAGE, [("image", "KK", "1234567890123456")]),
    "document": (DOCUMENT, [("document", "akta kelahiran", "2345678901234567")]),
    "button_reply": (BUTTON_REPLY, [("interactive", "KIA", "")]),
    "list_reply": (LIST_REPLY, [("interactive", "Kartu Keluarga", "")]),
    "template_button": (TEMPLATE_BUTTON, [("button", "Cek status", "")]),
    "sticker": (STICKER, [("sticker", "", "3456789012345678")]),
    "location": (LOCATION, [("location", "Kantor Camat, Jl. Jend. Sudirman, Balikpapan", "")]),
    "audio": (AUDIO, [("audio", "", "4567890123456789")]),
    "reaction": (REACTION, [("reaction", "", "")]),
    "contacts": (CONTACTS, [("contacts", "", "")]),
    "unsupported": (UNSUPPORTED, [("unsupported", "", "")]),
    "two_messages": (
        TWO_MESSAGES,
        [("text", "menu", ""), ("text", "STATUS 6471-KTP-2026-000001", "")],
    ),
    # Meta's v2x status-only and other-field notifications store no message.
    "status_only": (statuses(status("wamid.unknown", "delivered")), []),
    "other_number": (
        incoming(TEXT["entry"][0]["changes"][0]["value"]["messages"][0], phone_number_id="999"),
        [],
    ),
    "template_review": (
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": WABA_ID,
                    "time": 1732412345,
                    "changes": [
                        {
                            "value": {
                                "event": "APPROVED",
                                "message_template_id": 123456789,
                                "message_template_name": "loket_pemberitahuan",
                                "message_template_language": "id",
                                "reason": "NONE",
                            },
                            "field": "message_template_status_update",
                        }
                    ],
                }
            ],
        },
        [],
    ),
    "no_entries": ({"object": "whatsapp_business_account", "entry": []}, []),
}


def _broken(mutate) -> bytes:
    payload = json.loads(json.dumps(TEXT))
    mutate(payload)
    return json.dumps(payload).encode()


def _message(payload) -> dict:
    return payload["entry"][0]["changes"][0]["value"]["messages"][0]


def _value(payload) -> dict:
    return payload["entry"][0]["changes"][0]["value"]


_TEXT_BYTES = json.dumps(TEXT).encode()

MALFORMED = {
    "empty": b"",
    "not_json": b"hello, this is not json",
    "truncated": _TEXT_BYTES[: len(_TEXT_BYTES) // 2],
    "truncated_one_byte": _TEXT_BYTES[:-1],
    "json_null": b"null",
    "json_list": b"[1, 2, 3]",
    "json_string": b'"whatsapp_business_account"',
    "not_utf8": b'{"object": "\xff\xfe"}',
    "deep_nesting": b"[" * 100_000 + b"]" * 100_000,
    "wrong_object": json.dumps({**TEXT, "object": "page"}).encode(),
    "no_object": json.dumps({"entry": TEXT["entry"]}).encode(),
    "entry_not_list": _broken(lambda p: p.update(entry={"id": "1"})),
    "entry_item_not_object": _broken(lambda p: p.update(entry=["x"])),
    "changes_not_list": _broken(lambda p: p["entry"][0].update(changes="x")),
    "value_missing": _broken(lambda p: p["entry"][0]["changes"][0].pop("value")),
    "wrong_product": _broken(lambda p: _value(p).update(messaging_product="instagram")),
    "metadata_missing": _broken(lambda p: _value(p).pop("metadata")),
    "messages_not_list": _broken(lambda p: _value(p).update(messages={"id": "x"})),
    "message_not_object": _broken(lambda p: _value(p).update(messages=[42])),
    "message_without_id": _broken(lambda p: _message(p).pop("id")),
    "message_id_not_string": _broken(lambda p: _message(p).update(id=12345)),
    "message_id_too_long": _broken(lambda p: _message(p).update(id="wamid." + "A" * 500)),
    "message_from_letters": _broken(lambda p: _message(p).update(**{"from": "62812abc"})),
    "message_from_plus": _broken(lambda p: _message(p).update(**{"from": "+6281234567890"})),
    "message_from_too_long": _broken(lambda p: _message(p).update(**{"from": "6" * 20})),
    "message_without_type": _broken(lambda p: _message(p).pop("type")),
    "timestamp_iso": _broken(lambda p: _message(p).update(timestamp="2026-11-24T10:00:00Z")),
    "timestamp_negative": _broken(lambda p: _message(p).update(timestamp="-5")),
    "timestamp_huge": _broken(lambda p: _message(p).update(timestamp="9" * 40)),
    "statuses_not_list": _broken(lambda p: _value(p).update(statuses="delivered")),
    "status_without_id": _broken(
        lambda p: _value(p).update(statuses=[{"status": "read", "timestamp": TS}])
    ),
    "status_without_status": _broken(
        lambda p: _value(p).update(statuses=[{"id": "wamid.x", "timestamp": TS}])
    ),
    "status_errors_not_list": _broken(
        lambda p: _value(p).update(
            statuses=[{"id": "wamid.x", "status": "failed", "timestamp": TS, "errors": "boom"}]
        )
    ),
    # One good message and one broken: the whole notification is refused, nothing stored.
    "second_message_broken": _broken(
        lambda p: _value(p).update(messages=[_message(p), {"from": RESIDENT, "type": "text"}])
    ),
}
