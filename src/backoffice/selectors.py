"""Officer work queues: oldest first, overdue flagged, filterable, scoped to the officer."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from accounts.access import district_scope, has_role, roles_of
from accounts.roles import HEAD_OF_SECTION, OPERATOR, PICKUP_DESK, VERIFIER
from applications import lifecycle
from applications.models import Application
from workdays.calendar import WorkingCalendar

QUEUE_STATUSES = {
    VERIFIER: [
        lifecycle.SUBMITTED,
        lifecycle.RESUBMITTED,
        lifecycle.IN_VERIFICATION,
        lifecycle.REJECTED_BY_CENTRAL,
    ],
    OPERATOR: [
        lifecycle.VERIFIED,
        lifecycle.SENT_TO_CENTRAL,
        lifecycle.REJECTED_BY_CENTRAL,
        lifecycle.APPROVED,
    ],
    PICKUP_DESK: [
        lifecycle.PRINTED,
        lifecycle.ISSUED,
        lifecycle.READY_FOR_HANDOVER,
        lifecycle.DELIVERY_UNCONFIRMED,
    ],
}
ACTIVE = [s for s in lifecycle.TRANSITIONS if s not in lifecycle.FINISHED and s != lifecycle.DRAFT]


def statuses_for(user) -> list[str]:
    if has_role(user, HEAD_OF_SECTION):  # also true for admins
        return ACTIVE
    mine = roles_of(user)
    return [
        status for role, statuses in QUEUE_STATUSES.items() if role in mine for status in statuses
    ]


def overdue_limit(today: date) -> date:
    """Due within one working day counts as overdue: promise on or before the next working day."""
    return WorkingCalendar(today, today).next_working_day(today)


@dataclass(frozen=True)
class QueueFilter:
    district: str = ""
    service: str = ""
    status: str = ""
    overdue_only: bool = False


def work_queue(user, filters: QueueFilter, limit: date):
    """`limit` is overdue_limit(today), computed once by the caller (it reads the calendar)."""
    statuses = statuses_for(user)
    if filters.status in statuses:
        statuses = [filters.status]
    queryset = (
        Application.objects.filter(status__in=statuses)
        .select_related("service", "variant", "village__district", "assigned_to")
        .defer("data")  # the queue shows no personal data; the JSON is the heaviest column
        .order_by("submitted_at", "id")
    )
    scope = district_scope(user)
    if scope is not None:
        queryset = queryset.filter(_district_q(scope))
    if filters.district:
        queryset = queryset.filter(village__district_id=filters.district)
    if filters.service:
        queryset = queryset.filter(service__code=filters.service)
    if filters.overdue_only:
        queryset = queryset.filter(promise_date__lte=limit).exclude(
            status__in=lifecycle.CLOCK_STOPPED
        )
    return queryset


def _district_q(codes) -> Q:
    return Q(village__district_id__in=codes)


def is_overdue(application: Application, limit: date) -> bool:
    """Promise passed or due within a working day — unless the clock is stopped (needs fix)."""
    if application.status in lifecycle.CLOCK_STOPPED:
        return False
    return application.promise_date is not None and application.promise_date <= limit


HANDOVER_STATUSES = [
    lifecycle.PRINTED,
    lifecycle.ISSUED,
    lifecycle.READY_FOR_HANDOVER,
    lifecycle.OUT_FOR_DELIVERY,
    lifecycle.DELIVERY_UNCONFIRMED,
    lifecycle.HANDED_OVER,
]


def openable_statuses(user) -> list[str]:
    """Verifiers follow an application through its life; others see the stages they work on."""
    if has_role(user, HEAD_OF_SECTION, VERIFIER):
        return [s for s in lifecycle.TRANSITIONS if s != lifecycle.DRAFT]
    statuses = set(statuses_for(user))
    if has_role(user, OPERATOR, PICKUP_DESK):
        statuses |= set(HANDOVER_STATUSES)
    return sorted(statuses)


def officer_application(user, public_id) -> Application:
    """An application the officer may open (in scope, at a stage they work on), or DoesNotExist."""
    queryset = Application.objects.filter(status__in=openable_statuses(user)).select_related(
        "service", "variant", "village__district", "assigned_to", "resident"
    )
    scope = district_scope(user)
    if scope is not None:
        queryset = queryset.filter(_district_q(scope))
    return queryset.get(public_id=public_id)
