"""Reads on the counter queue: free slots, call order, the board, the day's statistics."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import mean

from django.db.models import Count, OuterRef, Subquery, Sum

from counter_queue.models import (
    Booking,
    Counter,
    OpeningHours,
    QueueDay,
    QueueService,
    Slot,
    Ticket,
)
from counter_queue.services import (
    BOOKING_HORIZON_DAYS,
    normalize_code,
    office_datetime,
    slot_capacity,
    slot_times,
)
from workdays.calendar import WorkingCalendar, is_working_day

BOARD_RECENT = 8


def bookable_services():
    return QueueService.objects.filter(bookable=True, service__active=True).select_related(
        "service"
    )


def queue_services():
    return QueueService.objects.select_related("service").order_by("letter")


def bookable_days(today: date, *, count: int = 10) -> list[date]:
    """The next working days with opening hours, today included."""
    weekdays = set(OpeningHours.objects.values_list("weekday", flat=True))
    last = today + timedelta(days=BOOKING_HORIZON_DAYS)
    calendar = WorkingCalendar(today, last)
    days, day = [], today
    while day <= last and len(days) < count:
        if day.weekday() in weekdays and calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class SlotView:
    starts_at: time
    ends_at: time
    capacity: int
    booked: int
    passed: bool

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def value(self) -> str:
        return self.starts_at.strftime("%H:%M")


def day_slots(service: QueueService, day: date, now: datetime) -> list[SlotView]:
    """The day's slots with their free places; slots nobody booked yet have no row."""
    hours = OpeningHours.objects.filter(weekday=day.weekday()).first()
    if hours is None or not is_working_day(day):
        return []
    rows = {s.starts_at: s for s in Slot.objects.filter(service=service, date=day)}
    capacity = slot_capacity(service)
    quota_left = _quota_left(service, day)
    views = []
    for start, end in slot_times(hours):
        row = rows.get(start)
        places = row.capacity if row else capacity
        booked = row.booked if row else 0
        if not quota_left:
            booked = places  # the day's quota is used up: every slot is full
        views.append(
            SlotView(
                starts_at=start,
                ends_at=end,
                capacity=places,
                booked=booked,
                passed=office_datetime(day, start) <= now,
            )
        )
    return views


def _quota_left(service: QueueService, day: date) -> int:
    row = QueueDay.objects.filter(service=service, date=day).first()
    return service.daily_quota if row is None else max(0, row.quota - row.booked)


def bookings_of(resident):
    return (
        Booking.objects.filter(resident=resident)
        .select_related("slot", "service__service", "variant")
        .order_by("-slot__date", "-slot__starts_at")
    )


def booking_of_resident(resident, code: str) -> Booking:
    return bookings_of(resident).get(code=normalize_code(code))


def bookings_for_day(day: date):
    return (
        Booking.objects.filter(slot__date=day)
        .select_related("slot", "service__service")
        .order_by("slot__starts_at", "pk")
    )


def _call_key(ticket: Ticket, now: datetime):
    if ticket.due_at is not None and ticket.due_at <= now:
        return (0, ticket.due_at, ticket.issued_at)  # booked, their time has come
    if ticket.due_at is None:
        return (1, ticket.issued_at, ticket.number)  # walk-ins in order
    return (2, ticket.due_at, ticket.issued_at)  # booked and early: after the walk-ins


def waiting_in_call_order(services, day: date, now: datetime) -> list[Ticket]:
    waiting = Ticket.objects.filter(
        date=day, status=Ticket.WAITING, service__in=services
    ).select_related("service")
    return sorted(waiting, key=lambda t: _call_key(t, now))


def ticket_by_code(code: str) -> Ticket:
    return Ticket.objects.select_related("service__service", "counter").get(
        code=normalize_code(code)
    )


def ticket_position(ticket: Ticket, now: datetime) -> dict:
    """What the resident's phone shows: status, and how many are called before them."""
    ahead = None
    if ticket.status == Ticket.WAITING:
        order = waiting_in_call_order([ticket.service_id], ticket.date, now)
        ahead = next((i for i, t in enumerate(order) if t.pk == ticket.pk), 0)
    return {
        "ticket": ticket.label,
        "service": ticket.service.service.code,
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "ahead": ahead,
        "counter": ticket.counter.number if ticket.counter_id else None,
    }


# --- display board -----------------------------------------------------------------------------


def board_version(day: date) -> int:
    """Changes whenever a ticket of the day is issued, called, recalled or finished."""
    return QueueDay.objects.filter(date=day).aggregate(v=Sum("board_version"))["v"] or 0


def board_payload(day: date, version: int | None = None) -> dict:
    """The latest number called at each open counter, the last few called, and how many wait
    per service letter. A few small indexed queries, however long the day has been."""
    latest = (
        Ticket.objects.filter(counter=OuterRef("pk"), date=day, called_at__isnull=False)
        .order_by("-last_called_at", "-pk")
        .values("pk")[:1]
    )
    counters = list(
        Counter.objects.filter(active=True).annotate(latest=Subquery(latest)).order_by("number")
    )
    recent = list(
        Ticket.objects.filter(date=day, called_at__isnull=False)
        .select_related("service")
        .order_by("-last_called_at", "-pk")[:BOARD_RECENT]
    )
    by_id = {ticket.pk: ticket for ticket in recent}
    missing = [c.latest for c in counters if c.latest and c.latest not in by_id]
    if missing:
        by_id.update(
            (t.pk, t) for t in Ticket.objects.filter(pk__in=missing).select_related("service")
        )
    waiting = dict(
        Ticket.objects.filter(date=day, status=Ticket.WAITING)
        .values("service__letter")
        .annotate(n=Count("pk"))
        .values_list("service__letter", "n")
    )
    rows = []
    for counter in counters:
        ticket = by_id.get(counter.latest)
        rows.append(
            {
                "counter": counter.number,
                "ticket": ticket.label if ticket else None,
                "calling": bool(ticket) and ticket.status == Ticket.CALLED,
                "recalls": ticket.recalls if ticket else 0,
            }
        )
    return {
        "version": board_version(day) if version is None else version,
        "date": day.isoformat(),
        "counters": rows,
        "recent": [t.label for t in recent],
        "waiting": waiting,
    }


# --- the day's statistics ----------------------------------------------------------------------


def _minutes(deltas) -> dict:
    values = [d.total_seconds() / 60 for d in deltas]
    if not values:
        return {"count": 0, "mean": None, "max": None}
    return {"count": len(values), "mean": round(mean(values), 1), "max": round(max(values), 1)}


def day_statistics(day: date, now: datetime) -> dict:
    tickets = list(
        Ticket.objects.filter(date=day).select_related("service__service", "counter", "booking")
    )
    bookings = list(bookings_for_day(day))
    per_service = []
    for service in queue_services():
        mine = [t for t in tickets if t.service_id == service.pk]
        booked = [b for b in bookings if b.service_id == service.pk]
        if not mine and not booked:
            continue
        per_service.append(
            {
                "service": service,
                "walk_ins": sum(1 for t in mine if t.booking_id is None),
                "checked_in": sum(1 for t in mine if t.booking_id),
                "waiting": sum(1 for t in mine if t.status == Ticket.WAITING),
                "served": sum(1 for t in mine if t.status == Ticket.SERVED),
                "ticket_no_shows": sum(1 for t in mine if t.status == Ticket.NO_SHOW),
                "bookings": len(booked),
                "cancelled": sum(1 for b in booked if b.status == Booking.CANCELLED),
                "booking_no_shows": sum(1 for b in booked if _is_no_show(b, now)),
                "wait": _minutes(t.called_at - t.issued_at for t in mine if t.called_at),
            }
        )
    per_counter = []
    for counter in Counter.objects.order_by("number"):
        served = [t for t in tickets if t.counter_id == counter.pk and t.status == Ticket.SERVED]
        called = [t for t in tickets if t.counter_id == counter.pk]
        per_counter.append(
            {
                "counter": counter,
                "called": len(called),
                "served": len(served),
                "service_time": _minutes(t.finished_at - t.called_at for t in served),
            }
        )
    return {
        "per_service": per_service,
        "per_counter": per_counter,
        "wait": _minutes(t.called_at - t.issued_at for t in tickets if t.called_at),
    }


def _is_no_show(booking: Booking, now: datetime) -> bool:
    """Released no-shows, and those the sweep has not reached yet."""
    if booking.status == Booking.NO_SHOW:
        return True
    if booking.status != Booking.ACTIVE:
        return False
    start = office_datetime(booking.slot.date, booking.slot.starts_at)
    return start + timedelta(minutes=booking.service.grace_minutes) < now


def counters():
    return Counter.objects.filter(active=True).prefetch_related("services__service")


def counter_tickets(counter: Counter, day: date, now: datetime) -> dict:
    current = (
        Ticket.objects.filter(counter=counter, date=day, status=Ticket.CALLED)
        .select_related("service__service", "booking")
        .first()
    )
    return {
        "current": current,
        "waiting": waiting_in_call_order(counter.services.all(), day, now),
    }
