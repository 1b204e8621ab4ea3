"""Background work for the SIAK link: send each request, then ask until SIAK decides.

A row is claimed with a conditional UPDATE so two workers never work on it at once. While the
link is down a request is never given up: it goes back to "queued" (or stays "waiting") with a
capped exponential backoff and the outage is recorded for the back office. Only SIAK refusing a
request (4xx) makes it "failed". `resume_requests` (the `central_resume` command) picks up
whatever a dead worker left behind.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from central import client
from central.client import CentralError
from central.models import CentralRequest
from central.services import central_record_result, link_failed, link_ok
from loket.errors import DomainError

BACKOFF_BASE_SECONDS = 30
STALE_CLAIM = timedelta(minutes=10)  # far longer than one call's timeout


def backoff(failures: int) -> timedelta:
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(failures - 1, 0)
    return timedelta(seconds=min(seconds, settings.SIAK_RETRY_MAX_SECONDS))


def enqueue_later(task_, when, central_request_id: int, *, or_now: bool = False) -> bool:
    """Enqueue `task_` to run at `when`; True when enqueued.

    A backend without deferred runs (the tests' ImmediateBackend) would run a retry at once and
    spin against a link that is down; there the row keeps `next_attempt_at` and
    `resume_requests` picks it up, unless `or_now` says running it now is right.
    """
    if task_.get_backend().supports_defer:
        task_.using(run_after=when).enqueue(central_request_id)
        return True
    if or_now:
        task_.enqueue(central_request_id)
        return True
    return False


def payload_for(central_request: CentralRequest) -> dict:
    application = central_request.application
    return {
        "registration_number": application.registration_number,
        "service": application.service.code,
        "variant": application.variant.code if application.variant else "",
        "nik": application.nik,
        "data": application.data,
    }


def _load(central_request_id: int) -> CentralRequest:
    return CentralRequest.objects.select_related(
        "application__service", "application__variant"
    ).get(pk=central_request_id)


@task()
def send_request(central_request_id: int) -> str:
    now = timezone.now()
    claimed = CentralRequest.objects.filter(
        pk=central_request_id, state=CentralRequest.QUEUED
    ).update(
        state=CentralRequest.SENDING, attempts=F("attempts") + 1, claimed_at=now, updated_at=now
    )
    if not claimed:
        return "not queued"
    central_request = _load(central_request_id)
    try:
        remote = client.submit_request(
            idempotency_key=str(central_request.idempotency_key),
            payload=payload_for(central_request),
        )
    except CentralError as exc:
        return _send_failed(central_request, exc)
    link_ok()
    now = timezone.now()
    next_poll = now + timedelta(seconds=settings.SIAK_POLL_SECONDS)
    moved = _mine(central_request, CentralRequest.SENDING).update(
        state=CentralRequest.WAITING,
        remote_id=remote.request_id,
        sent_at=now,
        claimed_at=None,
        failures=0,
        last_error="",
        next_attempt_at=next_poll,
        updated_at=now,
    )
    if not moved:  # reclaimed as stale meanwhile; the new claim sends it again with the same key
        return "reclaimed"
    enqueue_later(poll_request, next_poll, central_request.pk, or_now=True)
    return "sent"


def _mine(central_request: CentralRequest, state: str):
    """The row, only while it is still in `state` under our claim."""
    return CentralRequest.objects.filter(
        pk=central_request.pk, state=state, claimed_at=central_request.claimed_at
    )


def _send_failed(central_request: CentralRequest, exc: CentralError) -> str:
    now = timezone.now()
    if not exc.retryable:
        link_ok()  # SIAK answered: the link is up, it refused this request
        _mine(central_request, CentralRequest.SENDING).update(
            state=CentralRequest.FAILED,
            last_error=str(exc),
            claimed_at=None,
            next_attempt_at=None,
            updated_at=now,
        )
        return "failed"
    link_failed(str(exc))
    retry_at = now + backoff(central_request.failures + 1)
    moved = _mine(central_request, CentralRequest.SENDING).update(
        state=CentralRequest.QUEUED,
        last_error=str(exc),
        failures=F("failures") + 1,
        claimed_at=None,
        next_attempt_at=retry_at,
        updated_at=now,
    )
    if moved:
        enqueue_later(send_request, retry_at, central_request.pk)
    return "retry"


@task()
def poll_request(central_request_id: int) -> str:
    now = timezone.now()
    claimed = (
        CentralRequest.objects.filter(pk=central_request_id, state=CentralRequest.WAITING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
        .update(claimed_at=now, polls=F("polls") + 1, updated_at=now)
    )
    if not claimed:
        return "not waiting"
    central_request = _load(central_request_id)
    try:
        remote = client.get_request(central_request.remote_id)
    except CentralError as exc:
        return _poll_failed(central_request, exc)
    link_ok()
    if remote.status == "pending":
        next_poll = timezone.now() + timedelta(seconds=settings.SIAK_POLL_SECONDS)
        _release(central_request, next_poll, failures=0, last_error="")
        enqueue_later(poll_request, next_poll, central_request.pk)
        return "pending"
    try:
        central_record_result(
            central_request=central_request,
            approved=remote.status == "approved",
            reason=remote.reason,
        )
    except DomainError as exc:  # the application moved on some other way: show, don't guess
        _mine(central_request, CentralRequest.WAITING).update(
            state=CentralRequest.FAILED, last_error=str(exc), claimed_at=None
        )
        return "failed"
    return remote.status


def _release(central_request: CentralRequest, next_attempt_at, **changes) -> int:
    return _mine(central_request, CentralRequest.WAITING).update(
        claimed_at=None, next_attempt_at=next_attempt_at, updated_at=timezone.now(), **changes
    )


def _poll_failed(central_request: CentralRequest, exc: CentralError) -> str:
    if not exc.retryable:
        link_ok()
        _mine(central_request, CentralRequest.WAITING).update(
            state=CentralRequest.FAILED, last_error=str(exc), claimed_at=None
        )
        return "failed"
    link_failed(str(exc))
    retry_at = timezone.now() + max(
        backoff(central_request.failures + 1), timedelta(seconds=settings.SIAK_POLL_SECONDS)
    )
    if _release(central_request, retry_at, failures=F("failures") + 1, last_error=str(exc)):
        enqueue_later(poll_request, retry_at, central_request.pk)
    return "retry"


def resume_requests(*, stale_after: timedelta = STALE_CLAIM) -> dict[str, int]:
    """Re-enqueue every request still in flight; 'sending' claims older than `stale_after` are
    taken back (their worker died). Safe to run at any time: the claims stop double work and
    the idempotency key stops duplicates at SIAK."""
    now = timezone.now()
    reclaimed = (
        CentralRequest.objects.filter(state=CentralRequest.SENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - stale_after))
        .update(state=CentralRequest.QUEUED, claimed_at=None, next_attempt_at=now, updated_at=now)
    )
    in_flight = CentralRequest.objects.order_by("created_at", "id")
    queued = list(in_flight.filter(state=CentralRequest.QUEUED).values_list("pk", flat=True))
    waiting = list(in_flight.filter(state=CentralRequest.WAITING).values_list("pk", flat=True))
    for pk in queued:
        send_request.enqueue(pk)
    for pk in waiting:
        poll_request.enqueue(pk)
    return {"reclaimed": reclaimed, "queued": len(queued), "waiting": len(waiting)}
