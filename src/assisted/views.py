import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import officer_required
from accounts.phone import mask_phone
from applications import lifecycle
from assisted import services
from assisted.forms import IntakeForm, requirement_rows
from assisted.models import AssistedIntake
from assisted.posters import render_poster
from audit.services import record_access
from catalogue.models import Service
from catalogue.selectors import active_services, service_with_details
from loket.errors import DomainError

operator_only = officer_required(*services.OPERATOR_ROLES)
SW_SOURCE = Path(settings.REPO_DIR) / "static" / "assisted" / "sw.js"


def poster(request, code):
    try:
        service = service_with_details(code)
    except Service.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(render_poster(service), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{service.code}.pdf"'
    return response


def _service(code) -> Service:
    try:
        return service_with_details(code)
    except Service.DoesNotExist as exc:
        raise Http404 from exc


def _offline_urls() -> list[str]:
    """What the service worker keeps so the intake pages open without signal."""
    pages = [reverse("assisted:home")] + [
        reverse("assisted:intake", args=[s.code]) for s in active_services()
    ]
    assets = [static(p) for p in ("vendor/pico.min.css", "loket.css", "assisted/intake.js")]
    return pages + assets


@never_cache
@operator_only
def home(request):
    intakes = services.area_intakes(request.user)[:100]
    rows = [
        (i, lifecycle.label(i.application.status), mask_phone(i.resident_phone)) for i in intakes
    ]
    return render(
        request,
        "assisted/home.html",
        {
            "services": active_services(),
            "rows": rows,
            "villages": services.area_villages(request.user),
            "offline_urls": json.dumps(_offline_urls()),
        },
    )


def _form(request, service):
    return IntakeForm(
        request.POST or None, request.FILES or None, service=service, operator=request.user
    )


def _files(request) -> dict:
    return {
        key.removeprefix("file_"): upload
        for key, upload in request.FILES.items()
        if key.startswith("file_") and key.removeprefix("file_").isdigit()
    }


def _take(request, service, form, *, offline=False):
    return services.assisted_intake_create(
        operator=request.user,
        service=service,
        variant=form.variant(),
        data=form.application_data(),
        phone=form.cleaned_data["phone"],
        files=_files(request),
        consent_method=form.cleaned_data["consent_method"],
        consent_file=form.cleaned_data.get("consent_file"),
        client_id=form.cleaned_data["client_id"],
        offline=offline,
    )


@never_cache
@operator_only
def intake(request, code):
    service = _service(code)
    form = _form(request, service)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            taken, _created = _take(request, service, form)
        except DomainError as error:
            problems = error.messages
        else:
            return redirect("assisted:detail", taken.application.public_id)
    return render(
        request,
        "assisted/intake.html",
        {
            "service": service,
            "form": form,
            "problems": problems,
            "requirements": requirement_rows(service),
            "min_side": services.MIN_PHOTO_SIDE,
            "min_brightness": services.MIN_PHOTO_BRIGHTNESS,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@operator_only
def send(request, code):
    """The offline queue's send: the same form and checks, answered in JSON. Sending the same
    intake twice (a replay after a lost answer) gives the first one back, not a second."""
    service = _service(code)
    form = _form(request, service)
    if not form.is_valid():
        problems = [
            f"{form.fields[k].label if k in form.fields else ''}: {m}".lstrip(": ")
            for k, errors in form.errors.items()
            for m in errors
        ]
        return JsonResponse({"ok": False, "problems": problems}, status=400)
    try:
        taken, created = _take(request, service, form, offline=True)
    except DomainError as error:
        return JsonResponse({"ok": False, "problems": error.messages}, status=400)
    application = taken.application
    return JsonResponse(
        {
            "ok": True,
            "created": created,
            "client_id": str(taken.client_id),
            "number": application.registration_number or "",
            "url": reverse("assisted:detail", args=[application.public_id]),
        },
        status=201 if created else 200,
    )


def _intake_of(request, public_id) -> AssistedIntake:
    try:
        taken = AssistedIntake.objects.select_related(
            "application__service", "application__village"
        ).get(application__public_id=public_id)
    except AssistedIntake.DoesNotExist as exc:
        raise Http404 from exc
    if not services.in_area(request.user, taken.application.village_id or ""):
        raise Http404
    return taken


@never_cache
@operator_only
def detail(request, public_id):
    taken = _intake_of(request, public_id)
    application = taken.application
    record_access(request, application=application, screen="assisted:detail")
    return render(
        request,
        "assisted/detail.html",
        {
            "intake": taken,
            "application": application,
            "status_label": lifecycle.label(application.status),
            "masked_phone": mask_phone(taken.resident_phone),
            "waiting_for_code": taken.consented_at is None,
        },
    )


@require_POST
@operator_only
def confirm(request, public_id):
    taken = _intake_of(request, public_id)
    try:
        if request.POST.get("resend"):
            services.consent_code_resend(intake=taken, operator=request.user)
            messages.success(request, _("Kode baru dikirim ke HP warga."))
        else:
            application = services.consent_code_verify(
                intake=taken, operator=request.user, code=request.POST.get("code", "")
            )
            messages.success(
                request,
                _("Warga setuju. Permohonan diajukan dengan nomor %(number)s.")
                % {"number": application.registration_number},
            )
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("assisted:detail", public_id)


def service_worker(request):
    response = HttpResponse(SW_SOURCE.read_text(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = reverse("assisted:home")
    response["Cache-Control"] = "no-cache"
    return response
