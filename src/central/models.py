import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CentralRequest(models.Model):
    """One sending of an application to the central SIAK, and SIAK's answer.

    The row is the outbox: written in the transaction that moves the application to "sent to
    central", claimed by the send task with a conditional UPDATE, retried with backoff while the
    link is down. Its idempotency key goes with every attempt, so SIAK never sees a duplicate.
    An application sent again after a rejection gets a new row (and a new key).
    """

    QUEUED, SENDING, WAITING = "queued", "sending", "waiting"
    APPROVED, REJECTED, FAILED = "approved", "rejected", "failed"
    ACTIVE = (QUEUED, SENDING, WAITING)
    STATES = [
        (QUEUED, _("antre dikirim")),
        (SENDING, _("sedang dikirim")),
        (WAITING, _("menunggu keputusan pusat")),
        (APPROVED, _("disetujui")),
        (REJECTED, _("ditolak")),
        (FAILED, _("gagal, perlu dicek")),
    ]

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="central_requests"
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    remote_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=STATES, default=QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Send attempts.")
    polls = models.PositiveIntegerField(default=0, help_text="Status questions asked.")
    failures = models.PositiveIntegerField(
        default=0, help_text="Failed calls in a row (sets the backoff); 0 after a good answer."
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker took it; old claims are from dead workers."
    )
    last_error = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="SIAK's reason for a rejection.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state__in=("queued", "sending", "waiting")),
                name="one_active_central_request",
            )
        ]

    def __str__(self):
        return f"central request {self.pk} ({self.state})"


class LinkStatus(models.Model):
    """The state of the link to SIAK (one row): down since when, and the last error."""

    down_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(
        default=0, help_text="Failed calls since the last good one."
    )

    SINGLETON = 1

    def __str__(self):
        return "SIAK link down" if self.down_since else "SIAK link up"

    @property
    def is_down(self) -> bool:
        return self.down_since is not None
