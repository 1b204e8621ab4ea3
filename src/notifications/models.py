from django.db import models


class OutboxMessage(models.Model):
    """A message to a resident, written in the same transaction as the change that causes it.

    A background task delivers it; failures are retried with backoff and the last error is kept
    so an officer can see why a message did not arrive.
    """

    PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
    STATUSES = [(s, s) for s in (PENDING, SENDING, SENT, FAILED)]

    channel = models.CharField(max_length=16, default="sms")
    recipient = models.CharField(max_length=32)
    body = models.TextField()
    sensitive = models.BooleanField(default=False, help_text="Body is wiped once delivered.")
    # WhatsApp buttons/lists (Graph API "interactive" object); `body` is the plain-text version.
    interactive = models.JSONField(null=True, blank=True)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, null=True, blank=True
    )
    status = models.CharField(max_length=12, choices=STATUSES, default=PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=128, blank=True, db_index=True)
    # Delivery receipts from the provider (WhatsApp statuses: sent, delivered, read, failed).
    delivery_status = models.CharField(max_length=16, blank=True)
    fallback_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="fallbacks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.channel} message {self.pk} ({self.status})"


class DeliveryAttempt(models.Model):
    """One try at handing a message to its channel, and what came back."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=12)  # sent / retry / failed
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.message_id} {self.outcome}"
