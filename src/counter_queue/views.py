"""Queue pages. Residents book and follow their ticket; the information desk issues and checks
in; counters call; the display board polls a small JSON answer. Views parse input, call one
service, render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import officer_required
from accounts.roles import FRONT_DESK, HEAD_OF_SECTION, OPERATOR, VERIFIER
from applications.models import Application
from counter_queue import selectors, services
from counter_queue.forms import BookingForm, CheckInForm, WalkInForm
from counter_queue.models import Booking, Counter, Ticket
from loket.errors import DomainError

DESK_ROLES = (FRONT_DESK, HEAD_OF_SECTION)  # the information desk
COUNTER_ROLES = (VERIFIER, OPERATOR, HEAD_OF_SECTION)  # officers who serve at a counter
STATS_ROLES = (FRONT_DESK, HEAD_OF_SECTION)
BOARD_POLL_MS = 500  # the board's budget is 1 s from a call to the screen
TICKET_POLL_MS = 5000  # a phone on weak signal: every 5 s is live enough


# --- residents ---------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    return render(
        request, "counter_queue/mine.html", {"bookings": selectors.bookings_of(request.user)}
    )


def _own_application(request, public_id) -> Application | None:
    if not public_id:
        return None
    try:
        return Application.objects.select_related("service", "variant").get(
            public_id=public_id, resident=request.user
        )
    except (Application.DoesNotExist, ValueError, ValidationError):
        return None


@login_required
def book(request):
    services_ = selectors.bookable_services()
    data = request.POST if request.method == "POST" else request.GET
    application = _own_application(request, data.get("permohonan"))
    initial = {}
    if application:
        initial = {"nik": application.nik, "service": getattr(application.service, "queue", None)}
    form = BookingForm(
        request.POST if request.method == "POST" else None, services=services_, initial=initial
    )
    chosen_service = _chosen_service(services_, data.get("service"), initial.get("service"))
    chosen_day = _chosen_day(data.get("date"))
    now = timezone.now()
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_create(
                resident=request.user,
                nik=form.cleaned_data["nik"],
                service=form.cleaned_data["service"],
                day=form.cleaned_data["date"],
                starts_at=form.cleaned_data["time"],
                variant=application.variant if application else None,
                application=application,
                now=now,
            )
        except DomainError as error:
            for problem in error.problems:
                form.add_error("nik" if problem.field == "nik" else None, problem.message)
        else:
            saved = _("Jadwal tersimpan. Kode pesanan: %(code)s.")
            messages.success(request, saved % {"code": booking.display_code})
            return redirect("counter_queue:booking", booking.code)
    if request.method == "POST":
        status = 400
    days = selectors.bookable_days(timezone.localdate(now))
    context = {
        "form": form,
        "services": services_,
        "service": chosen_service,
        "days": days,
        "day": chosen_day,
        "slots": selectors.day_slots(chosen_service, chosen_day, now)
        if chosen_service and chosen_day
        else [],
        "application": application,
        "chosen_time": data.get("time", ""),
        "nik": data.get("nik", initial.get("nik", "")),
    }
    return render(request, "counter_queue/book.html", context, status=status)


def _chosen_service(services_, letter, fallback):
    return next((s for s in services_ if s.letter == letter), None) or fallback


def _chosen_day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _own_booking(request, code) -> Booking:
    try:
        return selectors.booking_of_resident(request.user, code)
    except Booking.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def booking_detail(request, code):
    booking = _own_booking(request, code)
    ticket = getattr(booking, "ticket", None) if booking.status == Booking.CHECKED_IN else None
    return render(request, "counter_queue/booking.html", {"booking": booking, "ticket": ticket})


@login_required
@require_POST
def booking_cancel(request, code):
    booking = _own_booking(request, code)
    try:
        services.booking_cancel(booking=booking)
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Pesanan dibatalkan. Jamnya kini dapat dipakai orang lain."))
    return redirect("counter_queue:booking", booking.code)


def _ticket(code) -> Ticket:
    try:
        return selectors.ticket_by_code(code)
    except Ticket.DoesNotExist:
        raise Http404 from None


@require_GET
def ticket_page(request, code):
    ticket = _ticket(code)
    context = {
        "ticket": ticket,
        "position": selectors.ticket_position(ticket, timezone.now()),
        "poll_ms": TICKET_POLL_MS,
    }
    return render(request, "counter_queue/ticket.html", context)


@require_GET
def ticket_data(request, code):
    ticket = _ticket(code)
    response = JsonResponse(selectors.ticket_position(ticket, timezone.now()))
    response["Cache-Control"] = "no-store"
    return response


# --- display board -----------------------------------------------------------------------------


@require_GET
def board(request):
    today = timezone.localdate()
    context = {"board": selectors.board_payload(today), "poll_ms": BOARD_POLL_MS}
    return render(request, "counter_queue/board.html", context)


@require_GET
def board_data(request):
    """Fifty boards poll this twice a second: when nothing changed the answer is a 304 that
    costs one small query (the day's summed versions)."""
    today = timezone.localdate()
    version = selectors.board_version(today)
    etag = f'"{today.isoformat()}-{version}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(selectors.board_payload(today, version))
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


# --- information desk --------------------------------------------------------------------------


def _desk_context(walk_in_form=None, check_in_form=None):
    today = timezone.localdate()
    services_ = selectors.queue_services()
    return {
        "walk_in_form": walk_in_form or WalkInForm(services=services_),
        "check_in_form": check_in_form or CheckInForm(),
        "services": services_,
        "bookings": selectors.bookings_for_day(today),
        "issued": Ticket.objects.filter(date=today)
        .select_related("service", "counter")
        .order_by("-issued_at")[:20],
        "today": today,
    }


@officer_required(*DESK_ROLES)
@require_GET
def desk(request):
    return render(request, "counter_queue/desk.html", _desk_context())


@officer_required(*DESK_ROLES)
@require_POST
def desk_walk_in(request):
    form = WalkInForm(request.POST, services=selectors.queue_services())
    if not form.is_valid():
        context = _desk_context(walk_in_form=form)
        return render(request, "counter_queue/desk.html", context, status=400)
    ticket = services.walk_in_issue(service=form.cleaned_data["service"], officer=request.user)
    return redirect("counter_queue:slip", ticket.pk)


@officer_required(*DESK_ROLES)
@require_POST
def desk_check_in(request):
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            ticket = services.booking_check_in(code=form.cleaned_data["code"], officer=request.user)
        except DomainError as error:
            for message in error.messages:
                form.add_error("code", message)
        else:
            return redirect("counter_queue:slip", ticket.pk)
    return render(request, "counter_queue/desk.html", _desk_context(check_in_form=form), status=400)


@officer_required(*DESK_ROLES)
@require_GET
def slip(request, pk):
    ticket = get_object_or_404(Ticket.objects.select_related("service__service", "booking"), pk=pk)
    url = request.build_absolute_uri(f"/antrian/tiket/{ticket.code}/")
    return render(request, "counter_queue/slip.html", {"ticket": ticket, "url": url})


# --- counters ----------------------------------------------------------------------------------


@officer_required(*COUNTER_ROLES)
@require_GET
def counter_list(request):
    return render(request, "counter_queue/counters.html", {"counters": selectors.counters()})


def _counter(number) -> Counter:
    return get_object_or_404(Counter, number=number, active=True)


@officer_required(*COUNTER_ROLES)
@require_GET
def counter(request, number):
    found = _counter(number)
    now = timezone.now()
    context = {
        "counter": found,
        **selectors.counter_tickets(found, timezone.localdate(now), now),
    }
    return render(request, "counter_queue/counter.html", context)


def _counter_action(request, number, act, success):
    found = _counter(number)
    try:
        ticket = act(found)
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success % {"ticket": ticket.label, "counter": found.number})
    return redirect("counter_queue:counter", found.number)


@officer_required(*COUNTER_ROLES)
@require_POST
def counter_call_next(request, number):
    return _counter_action(
        request,
        number,
        lambda c: services.ticket_call_next(counter=c, officer=request.user),
        _("Memanggil %(ticket)s ke loket %(counter)s."),
    )


def _ticket_or_404(pk) -> Ticket:
    return get_object_or_404(Ticket, pk=pk)


@officer_required(*COUNTER_ROLES)
@require_POST
def counter_call(request, number, pk):
    ticket = _ticket_or_404(pk)
    return _counter_action(
        request,
        number,
        lambda c: services.ticket_call(ticket=ticket, counter=c, officer=request.user),
        _("Memanggil %(ticket)s ke loket %(counter)s."),
    )


@officer_required(*COUNTER_ROLES)
@require_POST
def counter_recall(request, number, pk):
    ticket = _ticket_or_404(pk)
    return _counter_action(
        request,
        number,
        lambda c: services.ticket_recall(ticket=ticket, counter=c, officer=request.user),
        _("Memanggil ulang %(ticket)s ke loket %(counter)s."),
    )


@officer_required(*COUNTER_ROLES)
@require_POST
def counter_finish(request, number, pk, served: bool):
    ticket = _ticket_or_404(pk)
    return _counter_action(
        request,
        number,
        lambda c: services.ticket_finish(
            ticket=ticket, counter=c, officer=request.user, served=served
        ),
        _("%(ticket)s selesai dilayani.") if served else _("%(ticket)s dicatat tidak hadir."),
    )


# --- statistics --------------------------------------------------------------------------------


@officer_required(*STATS_ROLES)
@require_GET
def statistics(request):
    day = _chosen_day(request.GET.get("date")) or timezone.localdate()
    context = {"day": day, **selectors.day_statistics(day, timezone.now())}
    return render(request, "counter_queue/statistics.html", context)
