"""The outbox: every attempt recorded, failures visible and re-sendable, crashes recovered."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import DeliveryAttempt, OutboxMessage
from notifications.services import queue_message
from notifications.tasks import MAX_ATTEMPTS, deliver_message, resume_outbox

pytestmark = pytest.mark.django_db


def test_a_message_is_sent_once_and_its_attempt_recorded(sms_gateway):
    message = queue_message(recipient="+6281234567890", body="halo")
    assert deliver_message.call(message.pk) == "sent"
    assert deliver_message.call(message.pk) == "not pending"  # a duplicate task sends nothing
    assert len(sms_gateway.messages) == 1
    assert [a.outcome for a in DeliveryAttempt.objects.all()] == ["sent"]


def test_after_the_last_retry_a_message_shows_as_failed(sms_gateway, officer_client):
    sms_gateway.fail_next.extend([503] * MAX_ATTEMPTS)
    message = queue_message(recipient="+6281234567890", body="halo")
    outcomes = [deliver_message.call(message.pk) for _ in range(MAX_ATTEMPTS)]
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
    assert DeliveryAttempt.objects.filter(outcome="failed").count() == 1
    client, _ = officer_client("customer_service")
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert "503" in page and "+62812" in page and "+6281234567890" not in page
    client.post(reverse("notifications:retry", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == "pending"


def test_a_permanent_gateway_refusal_fails_at_once(sms_gateway):
    message = queue_message(recipient="+6281234567890", body="halo")
    sms_gateway.fail_next.append(400)
    assert deliver_message.call(message.pk) == "failed"


def test_a_send_left_by_a_killed_worker_is_picked_up(sms_gateway):
    message = queue_message(recipient="+6281234567890", body="halo")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(minutes=10), attempts=1
    )
    assert resume_outbox() == 1  # immediate backend: delivered during the call
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(sms_gateway.messages) == 1


def test_a_fresh_send_in_progress_is_left_alone(sms_gateway):
    message = queue_message(recipient="+6281234567890", body="halo")
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", claimed_at=timezone.now())
    assert resume_outbox() == 0
    assert OutboxMessage.objects.get().status == "sending"
