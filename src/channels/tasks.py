"""Background work for inbound messages: each one handled once, none lost.

A WhatsApp webhook only queues its notification (`receive_notification`, one task row); that
task stores each message once (by its provider id), applies the delivery statuses and handles
the new messages. If a worker dies before the messages are stored, or the database fails while
storing them, `resume_inbound` makes that task row ready again (storing twice stores nothing
new).

`process_inbound` claims a row with a conditional UPDATE (received → processing), so two
workers never handle the same message. The handling (the engine's answer and the replies it
queues) and the row becoming "done" commit together: a worker killed half-way leaves nothing
sent and the row still "processing"; `resume_inbound` (run at worker start) gives such stale
claims back and re-enqueues everything not yet handled. A database hiccup (locked, connection
lost) puts the message back to "received" for a later try. Any other error leaves it "failed"
with the traceback kept, and its conversation flagged for a person to answer.
"""

import logging
import traceback
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from channels import inbound as inbound_handling
from channels.models import Conversation, InboundMessage
from loket.fastsql import RowTemplate

logger = logging.getLogger(__name__)

STALE_PROCESSING = timedelta(minutes=5)  # far longer than one message's handling
RETRY_AFTER_DATABASE_ERROR = timedelta(seconds=30)  # others: resume_inbound at worker start
STATUS_RETRY_DELAYS = (10, 60, 300)  # seconds; a status can outrun the send's own bookkeeping


class _Reclaimed(Exception):
    """Our claim was taken back as stale while we worked: roll back, the new claim redoes it."""


def enqueue_notification(payload: dict) -> None:
    """Queue a checked Cloud API notification. With the task queue in this database that is
    one precompiled INSERT, committed before Meta hears 200."""
    if not _queue_in_database():
        receive_notification.enqueue(payload)
        return
    # A dead connection fails the INSERT itself (the webhook answers 503 and Meta retries; the
    # errored connection is closed after the request), so the health check Django runs first
    # in every request (CONN_HEALTH_CHECKS, one more round trip) buys nothing here.
    connection.health_check_done = True
    if connection.vendor == "sqlite":
        # In a transaction, so it queues on loket.sqlite's writer lock instead of sleeping in
        # SQLite's busy handler.
        with transaction.atomic(durable=True):
            _insert_task_row(receive_notification, payload, parsed_json=True)
    else:  # one statement commits by itself: no BEGIN and COMMIT round trips
        _insert_task_row(receive_notification, payload, parsed_json=True)


@task()
def receive_notification(payload: dict) -> str:
    from channels.whatsapp.services import notification_store
    from channels.whatsapp.webhook import PayloadError, parse

    try:
        notification = parse(
            payload, phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID, nul_free=True
        )
    except PayloadError:  # the webhook checked it; kept for rows written by older versions
        return "unreadable"
    received = notification_store(notification=notification)
    handle_new_inbound(received.new_inbound)
    return (
        f"{len(received.new_inbound)} new, {received.duplicates} duplicate, "
        f"{sum(received.statuses.values())} statuses"
    )


def handle_new_inbound(inbound_ids) -> None:
    """Answer just-stored messages in this worker (one task per notification, not two)."""
    for inbound_id in inbound_ids:
        process_inbound.call(inbound_id)


def enqueue_inbound(inbound_ids) -> None:
    for inbound_id in inbound_ids:
        process_inbound.enqueue(inbound_id)


def enqueue_inbound_with_transaction(inbound_ids) -> None:
    """Queue the handling of rows written in the current transaction. A task queue kept in
    this database takes its rows in the same transaction (stored and queued together, and no
    second write per webhook); any other backend gets them once the transaction commits."""
    if not inbound_ids:
        return
    if _queue_in_database():
        for inbound_id in inbound_ids:
            _insert_task_row(process_inbound, inbound_id)
    else:
        ids = list(inbound_ids)
        transaction.on_commit(lambda: enqueue_inbound(ids))


def _queue_in_database() -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    return isinstance(process_inbound.get_backend(), DatabaseBackend)


_task_rows: dict[tuple, RowTemplate] = {}


def _insert_task_row(task, *args, parsed_json: bool = False) -> None:
    """What DatabaseBackend.enqueue(task, args, {}) writes, as one precompiled INSERT: the
    webhook's hot path (the backend's own create() cost more than the rest of the request).
    The task is validated and its row's constant columns prepared once per process; only the
    id, the time and the arguments change. `parsed_json`: the args came out of json.loads, so
    normalizing them would change nothing."""
    from django_tasks.utils import normalize_json
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    key = (task, backend.alias, connection.alias, connection.vendor)
    rows = _task_rows.get(key)
    if rows is None:
        backend.validate_task(task)
        template = DBTaskResult(
            args_kwargs={},
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=backend.alias,
        )
        rows = _task_rows[key] = RowTemplate(template, vary=("id", "enqueued_at", "args_kwargs"))
    args_kwargs = {"args": list(args), "kwargs": {}}
    rows.insert(
        id=uuid.uuid4(),
        enqueued_at=timezone.now(),
        args_kwargs=args_kwargs if parsed_json else normalize_json(args_kwargs),
    )


@task()
def process_inbound(inbound_id: int) -> str:
    claimed = InboundMessage.objects.filter(pk=inbound_id, state=InboundMessage.RECEIVED).update(
        state=InboundMessage.PROCESSING, claimed_at=timezone.now()
    )
    if not claimed:
        return "not received"
    inbound = InboundMessage.objects.select_related("conversation").get(pk=inbound_id)
    # Fetch photos and documents before the transaction: no network call holds a write lock.
    inbound_handling.prefetch_media(inbound)
    try:
        with transaction.atomic():
            inbound_handling.handle_inbound(inbound)
            if not _mine(inbound).update(state=InboundMessage.DONE, error=""):
                raise _Reclaimed
    except _Reclaimed:
        return "reclaimed"
    except (OperationalError, InterfaceError) as exc:  # the database hiccuped: try again later
        logger.warning("inbound message %s deferred: %s", inbound.pk, exc.__class__.__name__)
        released = _mine(inbound).update(
            state=InboundMessage.RECEIVED, claimed_at=None, error=traceback.format_exc()[-4000:]
        )
        if released and process_inbound.get_backend().supports_defer:
            when = timezone.now() + RETRY_AFTER_DATABASE_ERROR
            process_inbound.using(run_after=when).enqueue(inbound.pk)
        return "retry"
    except Exception as exc:
        logger.warning("inbound message %s failed: %s", inbound.pk, exc.__class__.__name__)
        with transaction.atomic():
            failed = _mine(inbound).update(
                state=InboundMessage.FAILED, error=traceback.format_exc()[-4000:]
            )
            if failed:
                Conversation.objects.filter(pk=inbound.conversation_id).update(
                    needs_human=True, updated_at=timezone.now()
                )
        return "failed"
    return "done"


def _mine(inbound: InboundMessage):
    """The row, only while it is still under the claim this task made."""
    return InboundMessage.objects.filter(
        pk=inbound.pk, state=InboundMessage.PROCESSING, claimed_at=inbound.claimed_at
    )


def resume_inbound(*, now=None, stale_after: timedelta = STALE_PROCESSING) -> dict[str, int]:
    """Take back claims of dead workers and enqueue every message not yet handled, oldest
    first. Safe at any time: the claim stops double handling."""
    now = now or timezone.now()
    reclaimed = (
        InboundMessage.objects.filter(state=InboundMessage.PROCESSING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - stale_after))
        .update(state=InboundMessage.RECEIVED, claimed_at=None)
    )
    waiting = list(
        InboundMessage.objects.filter(state=InboundMessage.RECEIVED)
        .order_by("sent_at", "id")
        .values_list("pk", flat=True)
    )
    enqueue_inbound(waiting)
    return {
        "reclaimed": reclaimed,
        "queued": len(waiting),
        "notifications": _requeue_notifications(now - stale_after),
    }


DATABASE_ERRORS = [
    f"{cls.__module__}.{cls.__qualname__}" for cls in (OperationalError, InterfaceError)
]


def _requeue_notifications(started_before) -> int:
    """Make queued notifications ready again if a worker died while storing them (still
    "running" long after it started) or the database failed under it."""
    if not _queue_in_database():
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=receive_notification.module_path).filter(
        Q(status=TaskResultStatus.RUNNING, started_at__lt=started_before)
        | Q(status=TaskResultStatus.FAILED, exception_class_path__in=DATABASE_ERRORS)
    )
    return rows.update(status=TaskResultStatus.READY, run_after=timezone.now(), finished_at=None)


def defer_status(raw: dict, attempt: int) -> bool:
    """Try an unmatched delivery status again later: Meta's "sent" or "failed" can arrive
    before the worker that sent the message has saved its id. Backends that cannot defer
    (the tests' in-process one) drop it."""
    if attempt >= len(STATUS_RETRY_DELAYS) or not retry_status.get_backend().supports_defer:
        return False
    when = timezone.now() + timedelta(seconds=STATUS_RETRY_DELAYS[attempt])
    retry_status.using(run_after=when).enqueue(raw, attempt)
    return True


@task()
def retry_status(raw: dict, attempt: int) -> str:
    from channels.whatsapp.services import status_apply
    from channels.whatsapp.webhook import PayloadError, read_status

    try:
        status = read_status(raw)
    except PayloadError:
        return "unreadable"
    with transaction.atomic():
        outcome = status_apply(status=status)
    if outcome == "unknown":
        defer_status(raw, attempt + 1)
    return outcome
