"""The fake Cloud API itself: it refuses what Meta refuses, and its chat page lets a person play
the resident in the demo."""

import time

import httpx
import pytest

from channels.models import InboundMessage
from notifications.models import OutboxMessage
from tests.channels.whatsapp.conftest import ACCESS_TOKEN, PHONE_NUMBER_ID, Reply
from tests.conftest import jpeg_bytes

PHONE = "+6281234567890"
AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}


def send(cloud, payload, *, headers=AUTH, number=PHONE_NUMBER_ID):
    return httpx.post(f"{cloud.base_url}/v21.0/{number}/messages", json=payload, headers=headers)


def text(body="halo", **extra):
    return {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "text",
        "text": {"body": body},
        **extra,
    }


def test_it_answers_a_send_like_the_cloud_api(whatsapp_cloud):
    response = send(whatsapp_cloud, text(to="+62 812-3456-7890"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": "+62 812-3456-7890", "wa_id": "6281234567890"}]
    assert answer["messages"][0]["id"].startswith("wamid.")


@pytest.mark.parametrize(
    "payload, headers, number, status, code",
    [
        (text(), {}, PHONE_NUMBER_ID, 401, 190),
        (text(), {"Authorization": "Bearer nope"}, PHONE_NUMBER_ID, 401, 190),
        (text(), AUTH, "999", 400, 100),
        ({**text(), "messaging_product": "sms"}, AUTH, PHONE_NUMBER_ID, 400, 100),
        (text(to="12"), AUTH, PHONE_NUMBER_ID, 400, 100),
        (text(body=""), AUTH, PHONE_NUMBER_ID, 400, 100),
        (text(body="x" * 4097), AUTH, PHONE_NUMBER_ID, 400, 100),
        ({**text(), "type": "sticker"}, AUTH, PHONE_NUMBER_ID, 400, 100),
        (
            {
                **text(),
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": "x"},
                    "action": {
                        "buttons": [
                            {"type": "reply", "reply": {"id": str(i), "title": "t"}}
                            for i in range(4)
                        ]
                    },
                },
            },
            AUTH,
            PHONE_NUMBER_ID,
            400,
            131009,
        ),
        (
            {
                **text(),
                "type": "template",
                "template": {"name": "loket_pemberitahuan", "language": {"code": "id"}},
            },
            AUTH,
            PHONE_NUMBER_ID,
            400,
            132000,
        ),
    ],
    ids=[
        "no_token",
        "bad_token",
        "other_number",
        "wrong_product",
        "bad_to",
        "empty_body",
        "long_body",
        "unsupported_type",
        "four_buttons",
        "template_without_params",
    ],
)
def test_it_refuses_what_meta_refuses(whatsapp_cloud, payload, headers, number, status, code):
    response = send(whatsapp_cloud, payload, headers=headers, number=number)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and error["fbtrace_id"]
    assert whatsapp_cloud.sent == []


@pytest.mark.django_db(transaction=True)
def test_a_person_can_chat_as_a_resident(live_webhook, engine):
    engine.behaviour = lambda conversation, inbound: [
        f"Terima kasih: {inbound.text or inbound.kind}"
    ]
    page = httpx.get(f"{live_webhook.base_url}/?phone={PHONE}")
    assert page.status_code == 200 and "Ketik pesan" in page.text
    posted = httpx.post(f"{live_webhook.base_url}/chat", data={"phone": PHONE, "text": "menu"})
    assert posted.status_code == 303
    assert InboundMessage.objects.get().text == "menu"
    feed = httpx.get(f"{live_webhook.base_url}/chat/feed", params={"phone": PHONE}).text
    assert "menu" in feed and "Terima kasih: menu" in feed
    assert feed.index("menu") < feed.index("Terima kasih: menu")
    photo = jpeg_bytes()
    posted = httpx.post(
        f"{live_webhook.base_url}/chat",
        data={"phone": PHONE, "text": "foto KK"},
        files={"file": ("kk.jpg", photo, "image/jpeg")},
    )
    assert posted.status_code == 303
    image = InboundMessage.objects.get(kind="image")
    assert image.text == "foto KK" and image.media_mime == "image/jpeg"
    assert live_webhook.media[image.media_id]["content"] == photo
    assert live_webhook.texts_to(PHONE) == ["Terima kasih: menu", "Terima kasih: foto KK"]


@pytest.mark.django_db(transaction=True)
def test_the_bots_buttons_show_on_the_chat_page(live_webhook, engine):
    import inspect

    from notifications.services import queue_message

    if "interactive" not in inspect.signature(queue_message).parameters:
        pytest.skip("interactive replies need queue_message(interactive=...)")
    engine.behaviour = lambda conversation, inbound: [
        Reply(
            "Pilih layanan",
            interactive={
                "type": "button",
                "body": {"text": "Pilih layanan"},
                "action": {
                    "buttons": [{"type": "reply", "reply": {"id": "svc:KIA", "title": "KIA"}}]
                },
            },
        )
    ]
    live_webhook.resident_sends_text(PHONE, "menu")
    feed = httpx.get(f"{live_webhook.base_url}/chat/feed", params={"phone": PHONE}).text
    assert "name=reply_id value='svc:KIA'" in feed
    httpx.post(
        f"{live_webhook.base_url}/chat",
        data={"phone": PHONE, "reply_kind": "button", "reply_id": "svc:KIA", "reply_title": "KIA"},
    )
    pressed = InboundMessage.objects.get(kind="interactive")
    assert pressed.payload["interactive"]["button_reply"]["id"] == "svc:KIA"
    assert pressed.payload["context"]["id"] == live_webhook.sent[0]["id"]


@pytest.mark.django_db(transaction=True)
def test_with_auto_status_each_send_is_reported_back(live_webhook):
    live_webhook.auto_status = True
    live_webhook.status_delay = 0.05
    live_webhook.resident_sends_text(PHONE, "halo")
    reply = OutboxMessage.objects.get(channel="whatsapp")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        reply.refresh_from_db()
        if reply.delivery_status == "delivered":
            break
        time.sleep(0.05)
    assert reply.delivery_status == "delivered"


def test_a_send_outside_the_window_is_accepted_then_reported_failed(whatsapp_cloud):
    whatsapp_cloud.enforce_window = True
    assert send(whatsapp_cloud, text()).status_code == 200
    assert whatsapp_cloud.sent[-1]["outside_window"] is True
    template = {
        **text(),
        "type": "template",
        "template": {
            "name": "loket_pemberitahuan",
            "language": {"code": "id"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "x"}]}],
        },
    }
    assert send(whatsapp_cloud, template).status_code == 200
    assert whatsapp_cloud.sent[-1]["outside_window"] is False
