"""Fixtures for the WhatsApp channel: the fake Cloud API, signed webhook posts, a stub engine.

The conversation engine is someone else's module; these tests put a small echo engine in its
place so they say something about the channel only.
"""

import threading
from dataclasses import dataclass

import pytest
from fakes.whatsapp_cloud import encode, serve, sign

WEBHOOK_PATH = "/channels/whatsapp/webhook"
APP_SECRET = "test-app-secret"
ACCESS_TOKEN = "test-wa-token"
PHONE_NUMBER_ID = "100000000000001"


@pytest.fixture(autouse=True)
def whatsapp_cloud(settings):
    """The fake Cloud API on a free loopback port; settings point Loket at it."""
    server, state = serve(
        "127.0.0.1",
        0,
        app_secret=APP_SECRET,
        access_token=ACCESS_TOKEN,
        webhook_url="",
        phone_number_id=PHONE_NUMBER_ID,
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    settings.WHATSAPP_API_BASE_URL = state.base_url
    settings.WHATSAPP_ACCESS_TOKEN = ACCESS_TOKEN
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = "test-verify-token"
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.HTTP_TIMEOUT_SECONDS = 2
    state.timeout_seconds = 5
    yield state
    state.stopping.set()
    server.shutdown()
    server.server_close()


@dataclass
class Reply:
    body: str
    interactive: dict | None = None


class StubEngine:
    """Answers "Diterima: <text>" unless a test gives it another `behaviour`."""

    def __init__(self):
        self.calls: list[int] = []
        self.behaviour = None

    def respond(self, conversation, inbound):
        self.calls.append(inbound.pk)
        if self.behaviour is not None:
            return self.behaviour(conversation, inbound)
        return [Reply(f"Diterima: {inbound.text or inbound.kind}")]


@pytest.fixture(autouse=True)
def engine(monkeypatch):
    stub = StubEngine()
    monkeypatch.setattr("channels.inbound.responder", lambda: stub.respond)
    return stub


@pytest.fixture
def post_webhook(client, django_capture_on_commit_callbacks):
    """post_webhook(payload) → response; signed with the app secret unless told otherwise.
    Work queued on commit (processing, replies) runs before it returns."""

    def post(payload=None, *, body=None, signature=None, content_type="application/json"):
        raw = body if body is not None else encode(payload)
        headers = {}
        signature = sign(raw, APP_SECRET) if signature is None else signature
        if signature:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(WEBHOOK_PATH, data=raw, content_type=content_type, **headers)

    return post


@pytest.fixture
def live_webhook(live_server, whatsapp_cloud):
    """The fake posts its webhooks to the live server."""
    whatsapp_cloud.webhook_url = live_server.url + WEBHOOK_PATH
    return whatsapp_cloud
