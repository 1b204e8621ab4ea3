"""What the bot cannot handle reaches a person: the customer-service inbox."""

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.models import Conversation, InboundMessage
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting():
    conversation = Conversation.objects.create(
        channel="sms", phone="+6281234567890", needs_human=True, last_inbound_at=timezone.now()
    )
    InboundMessage.objects.create(
        conversation=conversation,
        provider_id="1",
        kind="text",
        text="Kapan kantor buka Sabtu?",
        sent_at=timezone.now(),
    )
    return conversation


def test_customer_service_answers_a_waiting_conversation(officer_client, waiting, sms_gateway):
    client, _ = officer_client("customer_service")
    listing = client.get(reverse("inbox:list")).content.decode()
    assert "+62812" in listing and "+6281234567890" not in listing
    page = client.get(reverse("inbox:conversation", args=[waiting.pk])).content.decode()
    assert "Kapan kantor buka Sabtu?" in page
    client.post(reverse("inbox:answer", args=[waiting.pk]), {"text": "Sabtu tutup, Senin 08.00."})
    waiting.refresh_from_db()
    assert not waiting.needs_human
    message = OutboxMessage.objects.get()
    assert message.channel == "sms" and message.body == "Sabtu tutup, Senin 08.00."


def test_an_empty_answer_is_refused(officer_client, waiting):
    client, _ = officer_client("customer_service")
    response = client.post(reverse("inbox:answer", args=[waiting.pk]), {"text": "  "}, follow=True)
    assert "Tulis jawaban" in response.content.decode()
    assert not OutboxMessage.objects.exists()
    waiting.refresh_from_db()
    assert waiting.needs_human
