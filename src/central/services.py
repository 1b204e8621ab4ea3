"""Writes on the SIAK link: each function is one transaction that completes or changes nothing."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import lifecycle
from applications.models import Application

# Cards are printed after approval (production); every other document is issued at once.
from catalogue.models import CARD_SERVICES
from central.models import CentralRequest, LinkStatus
from documents.services import document_issue_later
from loket.errors import DomainError

REASON_MAX_CHARS = 500


def _enqueue_send(central_request: CentralRequest) -> None:
    from central.tasks import send_request  # tasks import services

    pk = central_request.pk
    transaction.on_commit(lambda: send_request.enqueue(pk))


@transaction.atomic
def central_submit(*, application: Application, acting_user) -> CentralRequest:
    """Send a verified application to SIAK: status, timeline, SMS and the outbox row together.

    The network call happens later in the worker; nothing here waits on SIAK.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    lifecycle.transition(locked, lifecycle.SENT_TO_CENTRAL, actor=acting_user)
    central_request = CentralRequest.objects.create(
        application=locked, requested_by=acting_user, next_attempt_at=timezone.now()
    )
    _enqueue_send(central_request)
    return central_request


def central_submit_all(*, applications, acting_user) -> tuple[int, int]:
    """Send each application in its own transaction; returns (sent, refused).

    Refused ones were moved by someone else in the meantime (another operator sent them)."""
    sent = refused = 0
    for application in applications:
        try:
            central_submit(application=application, acting_user=acting_user)
        except DomainError:
            refused += 1
        else:
            sent += 1
    return sent, refused


def central_send(*, application: Application, acting_user) -> CentralRequest:
    """The back office's one button: send a verified application, or send again one whose
    request SIAK refused (after the cause was fixed)."""
    failed = (
        CentralRequest.objects.filter(application=application, state=CentralRequest.FAILED)
        .order_by("-created_at", "-id")
        .first()
    )
    if failed is not None and application.status == lifecycle.SENT_TO_CENTRAL:
        return central_retry(central_request=failed, acting_user=acting_user)
    return central_submit(application=application, acting_user=acting_user)


@transaction.atomic
def central_retry(*, central_request: CentralRequest, acting_user) -> CentralRequest:
    """Queue a failed request again (after the cause was fixed). The key stays the same, so
    SIAK answers with the request it already has, if it has one."""
    locked = CentralRequest.objects.select_for_update().get(pk=central_request.pk)
    if locked.state != CentralRequest.FAILED:
        raise DomainError(
            "central_not_failed", _("Permintaan ini tidak gagal; tidak perlu dikirim ulang.")
        )
    locked.state, locked.claimed_at, locked.next_attempt_at = (
        CentralRequest.QUEUED,
        None,
        timezone.now(),
    )
    locked.failures, locked.requested_by = 0, acting_user
    locked.save()
    _enqueue_send(locked)
    return locked


@transaction.atomic
def central_record_result(
    *, central_request: CentralRequest, approved: bool, reason: str = ""
) -> bool:
    """Apply SIAK's decision exactly once; False when it was already applied (or not waiting)."""
    locked = CentralRequest.objects.select_for_update().get(pk=central_request.pk)
    if locked.state != CentralRequest.WAITING:
        return False
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service")
        .get(pk=locked.application_id)
    )
    data = {"siak_request_id": locked.remote_id}
    if approved:
        lifecycle.transition(
            application,
            lifecycle.APPROVED,
            data=data,
            notify=application.service.code in CARD_SERVICES,
        )
        if application.service.code not in CARD_SERVICES:
            lifecycle.transition(application, lifecycle.ISSUED, data=data)
            document_issue_later(application=application)  # signed PDF, after commit
        locked.state = CentralRequest.APPROVED
    else:
        reason = reason.strip()[:REASON_MAX_CHARS]
        lifecycle.transition(application, lifecycle.REJECTED_BY_CENTRAL, note=reason, data=data)
        locked.state, locked.reason = CentralRequest.REJECTED, reason
    locked.decided_at, locked.claimed_at, locked.last_error = timezone.now(), None, ""
    locked.next_attempt_at = None
    locked.save()
    return True


def _link() -> None:
    LinkStatus.objects.get_or_create(pk=LinkStatus.SINGLETON)


def link_failed(message: str) -> None:
    """Note a failed call; the first one since the last success marks the link down."""
    _link()
    now = timezone.now()
    rows = LinkStatus.objects.filter(pk=LinkStatus.SINGLETON)
    rows.filter(down_since__isnull=True).update(down_since=now)
    rows.update(last_error=message[:500], last_failure_at=now, failures=F("failures") + 1)


def link_ok() -> None:
    _link()
    LinkStatus.objects.filter(pk=LinkStatus.SINGLETON).update(
        down_since=None, failures=0, last_success_at=timezone.now()
    )
