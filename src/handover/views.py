"""Pages for the delivery choice (residents), the courier and pickup desks (officers) and the
courier's status callback. Views parse input, call one service, render."""

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.access import officer_required
from accounts.roles import HEAD_OF_SECTION, PICKUP_DESK
from applications.models import Application
from applications.selectors import application_of_resident
from audit.services import record_access
from handover import selectors, services
from handover.forms import CodeForm, CourierAddressForm, FollowUpForm, PickupForm
from handover.models import CourierBooking, DeliveryChoice
from loket.errors import DomainError

DESK_ROLES = (PICKUP_DESK, HEAD_OF_SECTION)


def _own(request, public_id) -> Application:
    try:
        return application_of_resident(request.user, public_id)
    except (Application.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _detail(public_id, anchor="handover"):
    return redirect(reverse("applications:detail", args=[public_id]) + f"#{anchor}")


# --- residents -----------------------------------------------------------------------------


@login_required
@require_POST
def choose_counter(request, public_id):
    application = _own(request, public_id)
    try:
        services.delivery_choose_counter(application=application)
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Anda memilih ambil di loket. Bawa kode pengambilan dan KTP/KK.")
        )
    return _detail(public_id)


@login_required
def courier_address(request, public_id):
    application = _own(request, public_id)
    choice = getattr(application, "delivery_choice", None)
    if request.method == "POST":
        form = CourierAddressForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.courier_address_set(
                    application=application,
                    village_code=data["village"],
                    street=data["street"],
                    landmark=data["landmark"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    phone=data["phone"],
                    payment=data["payment"],
                )
            except DomainError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect("handover:courier_confirm", public_id)
        status = 400
    else:
        form = CourierAddressForm(initial=_address_initial(application, choice))
        status = 200
    context = {"application": application, "form": form, "preview": _preview(choice)}
    return render(request, "handover/courier_address.html", context, status=status)


def _address_initial(application, choice) -> dict:
    """Pre-filled from the application (desa, street, phone) or the earlier choice."""
    if choice and choice.street:
        return {
            "village": choice.village_id,
            "street": choice.street,
            "landmark": choice.landmark,
            "latitude": choice.latitude,
            "longitude": choice.longitude,
            "phone": choice.phone,
            "payment": choice.payment,
        }
    return {
        "village": application.village_id,
        "street": application.data.get("address", ""),
        "phone": application.resident.phone,
        "payment": DeliveryChoice.CASH,
    }


def _preview(choice):
    return selectors.sample_label_context(choice)


@login_required
def courier_confirm(request, public_id):
    application = _own(request, public_id)
    choice = getattr(application, "delivery_choice", None)
    if choice is None or not choice.street:
        return redirect("handover:courier_address", public_id)
    if request.method == "POST":
        try:
            services.courier_confirm(application=application)
        except DomainError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("handover:courier_confirm", public_id)
        messages.success(request, _("Kirim kurir dipilih. Kami memesan kurir saat kartu siap."))
        return _detail(public_id)
    context = {"application": application, "choice": choice, "preview": _preview(choice)}
    return render(request, "handover/courier_confirm.html", context)


# --- courier callback ----------------------------------------------------------------------


def _signature_ok(request) -> bool:
    sent = request.headers.get("X-Callback-Signature", "")
    expected = (
        "sha256="
        + hmac.new(
            settings.COURIER_WEBHOOK_SECRET.encode(), request.body, hashlib.sha256
        ).hexdigest()
    )
    return hmac.compare_digest(sent.encode(), expected.encode())


@csrf_exempt
@require_POST
def courier_callback(request):
    if not _signature_ok(request):
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        payload = json.loads(request.body)
        if not isinstance(payload, dict) or not payload.get("entity_id"):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": "bad payload"}, status=400)
    try:
        outcome = services.courier_event_record(payload=payload)
    except CourierBooking.DoesNotExist:
        return JsonResponse({"error": "unknown booking"}, status=404)
    except DomainError as error:  # e.g. the application moved on some other way
        return JsonResponse({"error": str(error)}, status=409)
    return JsonResponse({"ok": True, "outcome": outcome})


# --- courier desk --------------------------------------------------------------------------


@officer_required(*DESK_ROLES)
def courier_desk(request):
    booking = None
    form = CodeForm(request.POST or request.GET or None)
    if request.method == "POST" and form.is_valid():
        try:
            _handover, booking = services.courier_release(
                code=form.cleaned_data["code"], officer=request.user
            )
        except DomainError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            record_access(request, application=booking.application, screen="handover:courier")
            messages.success(
                request,
                _("Kartu %(number)s diserahkan kepada %(driver)s (pesanan %(order)s).")
                % {
                    "number": booking.application.registration_number,
                    "driver": booking.driver_name,
                    "order": booking.order_no,
                },
            )
            return redirect("handover:courier_desk")
    elif request.method == "GET" and form.is_valid():
        booking = selectors.booking_by_code(form.cleaned_data["code"])
        if booking is None:
            form.add_error(
                None, _("Kode pesanan tidak dikenal. Periksa kode di aplikasi pengemudi.")
            )
        else:
            record_access(request, application=booking.application, screen="handover:courier")
    context = {"form": form, "found": booking, **selectors.courier_desk_lists()}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "handover/courier_desk.html", context, status=status)


@officer_required(*DESK_ROLES)
@require_GET
def courier_label(request, pk):
    booking = get_object_or_404(
        CourierBooking.objects.select_related(
            "application__service", "application__delivery_choice__village__district"
        ).exclude(order_no=None),
        pk=pk,
    )
    record_access(request, application=booking.application, screen="handover:label")
    return render(request, "handover/label.html", selectors.label_context(booking))


@officer_required(*DESK_ROLES)
@require_POST
def courier_follow_up(request, pk):
    booking = get_object_or_404(CourierBooking, pk=pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih hasil tindak lanjut."))
        return redirect("handover:courier_desk")
    try:
        services.delivery_follow_up(
            booking=booking,
            officer=request.user,
            received=form.cleaned_data["received"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Tindak lanjut pesanan %(order)s dicatat.") % {"order": booking.order_no}
        )
    return redirect("handover:courier_desk")


# --- counter pickup ------------------------------------------------------------------------


@officer_required(*DESK_ROLES)
def pickup_desk(request):
    found = None
    if request.method == "POST":
        form = PickupForm(request.POST)
        if form.is_valid():
            try:
                handover = services.counter_handover(
                    code=form.cleaned_data["code"],
                    nik=form.cleaned_data["nik"],
                    officer=request.user,
                )
            except DomainError as error:
                for message in error.messages:
                    form.add_error(None, message)
                found = selectors.choice_by_pickup_code(form.cleaned_data["code"])
            else:
                record_access(request, application=handover.application, screen="handover:pickup")
                messages.success(
                    request,
                    _("Kartu %(number)s diserahkan kepada %(recipient)s.")
                    % {
                        "number": handover.application.registration_number,
                        "recipient": handover.recipient,
                    },
                )
                return redirect("handover:pickup_desk")
    else:
        form = PickupForm(initial={"code": request.GET.get("code", "")})
        if request.GET.get("code"):
            found = selectors.choice_by_pickup_code(request.GET["code"])
            if found is None:
                form.add_error(None, _("Kode pengambilan tidak dikenal."))
    if found:
        record_access(request, application=found.application, screen="handover:pickup")
    # No NIK on this screen, not even masked: the officer types it from the resident's card.
    context = {"form": form, "found": found}
    status = 400 if form.errors else 200
    return render(request, "handover/pickup_desk.html", context, status=status)
