"""Conversations with residents over WhatsApp and SMS, and every inbound message exactly once."""

from django.db import models


class Conversation(models.Model):
    """One phone number on one channel: where the guided conversation stands, its language,
    and when the resident last wrote (WhatsApp allows free-form replies for 24 hours after)."""

    WHATSAPP, SMS = "whatsapp", "sms"
    CHANNELS = [(WHATSAPP, "WhatsApp"), (SMS, "SMS")]

    channel = models.CharField(max_length=12, choices=CHANNELS)
    phone = models.CharField(max_length=16)  # +62…
    language = models.CharField(max_length=8, default="id")
    state = models.JSONField(default=dict, blank=True)  # the engine's step and answers so far
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    needs_human = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "phone"], name="one_conversation_per_phone")
        ]

    def __str__(self):
        return f"{self.channel} conversation {self.pk}"


class InboundMessage(models.Model):
    """A message as the provider delivered it. The provider's id is unique, so a webhook
    delivered twice is stored (and processed) once."""

    RECEIVED, PROCESSING, DONE, FAILED = "received", "processing", "done", "failed"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="inbound")
    provider_id = models.CharField(max_length=128)
    kind = models.CharField(max_length=20)  # text, image, document, interactive, sticker, …
    text = models.TextField(blank=True)
    media_id = models.CharField(max_length=128, blank=True)
    media_mime = models.CharField(max_length=100, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=12, default=RECEIVED, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "provider_id"], name="inbound_once_per_provider_id"
            )
        ]

    def __str__(self):
        return f"inbound {self.pk} ({self.kind})"
