from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import integrated, lifecycle, services, verification
from applications.files import scan_response
from applications.forms import ApplicantDataForm, UploadForm
from applications.models import Application
from applications.selectors import (
    application_of_resident,
    applications_of,
    checklist,
    data_rows,
    fix_rows,
)
from catalogue.models import Requirement, Service
from catalogue.selectors import active_services, service_with_details
from loket.errors import DomainError


def _own(request, public_id) -> Application:
    try:
        return application_of_resident(request.user, public_id)
    except (Application.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _service(code) -> Service:
    try:
        return service_with_details(code)
    except Service.DoesNotExist as exc:
        raise Http404 from exc


def _variant(service, form):
    code = form.cleaned_data.get("variant")
    return next((v for v in service.variants.all() if v.code == code), None)


@login_required
def mine(request):
    context = {"applications": applications_of(request.user), "services_all": active_services()}
    return render(request, "applications/mine.html", context)


@login_required
def start(request, service_code):
    service = _service(service_code)
    form = ApplicantDataForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        application = services.application_start(
            resident=request.user,
            service=service,
            variant=_variant(service, form),
            data=form.application_data(),
        )
        return redirect("applications:detail", application.public_id)
    return render(request, "applications/data_form.html", {"form": form, "service": service})


@login_required
def edit(request, public_id):
    application = _own(request, public_id)
    if application.status != lifecycle.DRAFT:
        return redirect("applications:detail", public_id)
    service = _service(application.service.code)
    initial = {**application.data, "variant": getattr(application.variant, "code", None)}
    form = ApplicantDataForm(request.POST or None, service=service, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.application_update_data(
            application=application, variant=_variant(service, form), data=form.application_data()
        )
        return redirect("applications:detail", public_id)
    return render(
        request,
        "applications/data_form.html",
        {"form": form, "service": service, "application": application},
    )


@login_required
def detail(request, public_id):
    application = _own(request, public_id)
    rows = checklist(application)
    context = {
        "application": application,
        "rows": rows,
        "missing": [row for row in rows if row.missing],
        "status_label": lifecycle.label(application.status),
        "is_draft": application.status == lifecycle.DRAFT,
        "needs_fix": application.status == lifecycle.NEEDS_FIX,
        "fix_rows": fix_rows(application),
        "events": [(e, lifecycle.label(e.status)) for e in application.events.all()],
        "data_rows": data_rows(application),
        "family": _family_rows(application),
    }
    return render(request, "applications/detail.html", context)


def _family_rows(application) -> list[dict]:
    """The other applications of the same integrated request (empty for a lone one)."""
    family = integrated.linked_family(application)
    if len(family) < 2:
        return []
    return [
        {
            "application": member,
            "status": lifecycle.label(member.status),
            "current": member == application,
        }
        for member in family
    ]


@login_required
@require_POST
def upload(request, public_id, requirement_id):
    application = _own(request, public_id)
    requirement = get_object_or_404(Requirement, pk=requirement_id, service=application.service)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih berkas terlebih dahulu."))
        return redirect("applications:detail", public_id)
    try:
        services.attachment_put(
            application=application, requirement=requirement, upload=form.cleaned_data["file"]
        )
    except DomainError as error:
        for message in error.messages:
            messages.error(request, f"{requirement.t.name}: {message}")
        anchor = "messages"  # the reason must be on screen, not scrolled past
    else:
        messages.success(request, _("%(name)s tersimpan.") % {"name": requirement.t.name})
        anchor = f"req-{requirement.id}"  # the checklist line now shows ✔ beside the next one
    return redirect(reverse("applications:detail", args=[public_id]) + f"#{anchor}")


@login_required
@require_POST
def submit(request, public_id):
    application = _own(request, public_id)
    try:
        application = services.application_submit(application=application, acting_user=request.user)
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Permohonan diajukan. Nomor registrasi: %(number)s.")
            % {"number": application.registration_number},
        )
    return redirect("applications:detail", public_id)


@login_required
@require_POST
def resubmit(request, public_id):
    application = _own(request, public_id)
    try:
        application = verification.application_resubmit(
            application=application, acting_user=request.user
        )
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Perbaikan terkirim. Petugas akan memeriksanya kembali."))
    return redirect("applications:detail", public_id)


@login_required
def attachment_file(request, public_id, attachment_id):
    application = _own(request, public_id)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    return scan_response(attachment)
