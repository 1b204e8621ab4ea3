"""The application's lifecycle: the one table of allowed status changes.

Nothing changes an application's status anywhere else. Every change writes a timeline event and
its notifications (outbox) in the caller's transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Event
from loket.errors import DomainError

DRAFT = "draft"
SUBMITTED = "submitted"
IN_VERIFICATION = "in_verification"
NEEDS_FIX = "needs_fix"
RESUBMITTED = "resubmitted"
VERIFIED = "verified"
SENT_TO_CENTRAL = "sent_to_central"
APPROVED = "approved"
REJECTED_BY_CENTRAL = "rejected_by_central"
PRINTED = "printed"
ISSUED = "issued"
READY_FOR_HANDOVER = "ready_for_handover"
HANDED_OVER = "handed_over"
# A card on its way by courier, and a courier's "delivered" that came without the resident's
# one-time handover code (the office follows it up before calling it handed over).
OUT_FOR_DELIVERY = "out_for_delivery"
DELIVERY_UNCONFIRMED = "delivery_unconfirmed"
CANCELLED = "cancelled"
REJECTED = "rejected"

LABELS = {
    DRAFT: _("Draf (belum diajukan)"),
    SUBMITTED: _("Diajukan"),
    IN_VERIFICATION: _("Sedang diverifikasi"),
    NEEDS_FIX: _("Perlu perbaikan"),
    RESUBMITTED: _("Diajukan ulang"),
    VERIFIED: _("Berkas lengkap dan benar"),
    SENT_TO_CENTRAL: _("Dikirim ke pusat (SIAK)"),
    APPROVED: _("Disetujui pusat"),
    REJECTED_BY_CENTRAL: _("Ditolak pusat"),
    PRINTED: _("Sudah dicetak"),
    ISSUED: _("Sudah terbit"),
    READY_FOR_HANDOVER: _("Siap diambil atau dikirim"),
    HANDED_OVER: _("Sudah diterima"),
    OUT_FOR_DELIVERY: _("Sedang diantar kurir"),
    DELIVERY_UNCONFIRMED: _("Diantar kurir, belum dikonfirmasi"),
    CANCELLED: _("Dibatalkan"),
    REJECTED: _("Ditolak"),
}

TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {SUBMITTED, CANCELLED},
    SUBMITTED: {IN_VERIFICATION, CANCELLED, REJECTED},
    IN_VERIFICATION: {NEEDS_FIX, VERIFIED, REJECTED},
    NEEDS_FIX: {RESUBMITTED, CANCELLED},
    RESUBMITTED: {IN_VERIFICATION, CANCELLED, REJECTED},
    VERIFIED: {SENT_TO_CENTRAL, ISSUED},
    SENT_TO_CENTRAL: {APPROVED, REJECTED_BY_CENTRAL},
    APPROVED: {PRINTED, ISSUED},
    REJECTED_BY_CENTRAL: {IN_VERIFICATION, REJECTED},
    PRINTED: {READY_FOR_HANDOVER},
    ISSUED: {READY_FOR_HANDOVER, HANDED_OVER},
    READY_FOR_HANDOVER: {HANDED_OVER, OUT_FOR_DELIVERY},
    # A failed delivery brings the card back to the counter stock (ready for handover again).
    OUT_FOR_DELIVERY: {HANDED_OVER, DELIVERY_UNCONFIRMED, READY_FOR_HANDOVER},
    DELIVERY_UNCONFIRMED: {HANDED_OVER, READY_FOR_HANDOVER},
    HANDED_OVER: set(),
    CANCELLED: set(),
    REJECTED: set(),
}

# Statuses in which the promise-date clock is stopped because the office waits for the resident.
CLOCK_STOPPED = {DRAFT, NEEDS_FIX}
FINISHED = {HANDED_OVER, CANCELLED, REJECTED}


def label(status: str) -> str:
    return str(LABELS[status])


def transition(
    application: Application,
    to: str,
    *,
    actor=None,
    note: str = "",
    data: dict | None = None,
    notify: bool = True,
) -> Event:
    """Move `application` to status `to`, or refuse with a DomainError.

    `notify=False` is for a step immediately followed by another (approved → issued): the
    resident hears about the last one only.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic()")
    if to not in TRANSITIONS.get(application.status, set()):
        raise DomainError(
            "transition_not_allowed",
            _("Status tidak dapat diubah dari “%(from)s” ke “%(to)s”."),
            **{"from": label(application.status), "to": label(to)},
        )
    now = timezone.now()
    application.status = to
    application.status_changed_at = now
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
    event = Event.objects.create(
        application=application, status=to, at=now, actor=actor, note=note, data=data or {}
    )
    from notifications.services import notify_status_change  # notifications depend on us

    if notify:
        notify_status_change(application, event)
    return event


def promise_moved(
    application: Application, new_date, *, actor=None, note: str = "", data: dict | None = None
) -> Event:
    """A new promise date without a status change: timeline entry and notice, in the caller's
    transaction (the office could not keep the old date, e.g. a blank-card shortage)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("promise_moved() must run inside transaction.atomic()")
    old_date = application.promise_date
    application.promise_date = new_date
    application.save(update_fields=["promise_date", "updated_at"])
    event = Event.objects.create(
        application=application,
        status=application.status,
        at=timezone.now(),
        actor=actor,
        note=note,
        data={
            "promise_changed": True,
            "from": old_date.isoformat() if old_date else None,
            "to": new_date.isoformat(),
            **(data or {}),
        },
    )
    from notifications.services import notify_application

    notify_application(application, "promise_changed", note)
    return event
