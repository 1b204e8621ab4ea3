from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import has_role, officer_required
from accounts.roles import HEAD_OF_SECTION, OPERATOR, PICKUP_DESK, VERIFIER
from applications import lifecycle
from applications.files import scan_response
from applications.models import Application
from applications.selectors import checklist, data_rows
from applications.verification import Decision, verification_claim, verification_decide
from audit.services import record_access
from backoffice.forms import REJECTION_CHOICES, QueueFilterForm
from backoffice.selectors import (
    QueueFilter,
    is_overdue,
    officer_application,
    overdue_limit,
    work_queue,
)
from loket.errors import DomainError

ALL_OFFICERS = (VERIFIER, OPERATOR, PICKUP_DESK, HEAD_OF_SECTION)
PAGE_SIZE = 50
CLAIMABLE = (lifecycle.SUBMITTED, lifecycle.RESUBMITTED, lifecycle.REJECTED_BY_CENTRAL)


@officer_required(*ALL_OFFICERS)
def home(request):
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = QueueFilter(
        district=data.get("district", ""),
        service=data.get("service", ""),
        overdue_only=data.get("overdue", False),
    )
    limit = overdue_limit(timezone.localdate())
    queue = work_queue(request.user, filters, limit)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, is_overdue(a, limit), lifecycle.label(a.status)) for a in page]
    return render(request, "backoffice/home.html", {"form": form, "page": page, "rows": rows})


def _open(request, public_id) -> Application:
    try:
        return officer_application(request.user, public_id)
    except (Application.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@officer_required(*ALL_OFFICERS)
def application_detail(request, public_id):
    application = _open(request, public_id)
    record_access(request, application=application, screen="backoffice:application")
    can_verify = has_role(request.user, VERIFIER)
    context = {
        "application": application,
        "status_label": lifecycle.label(application.status),
        "rows": checklist(application),
        "data_rows": data_rows(application, mask_numbers=not can_verify),
        "events": [(e, lifecycle.label(e.status)) for e in application.events.all()],
        "checks": application.checks.select_related("requirement", "officer")[:50],
        "can_claim": can_verify and application.status in CLAIMABLE,
        "can_decide": can_verify
        and application.status == lifecycle.IN_VERIFICATION
        and application.assigned_to_id == request.user.id,
        "reasons": REJECTION_CHOICES,
        "can_view_files": has_role(request.user, VERIFIER, HEAD_OF_SECTION),
    }
    return render(request, "backoffice/application.html", context)


@officer_required(VERIFIER, HEAD_OF_SECTION)
def attachment_file(request, public_id, attachment_id):
    application = _open(request, public_id)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    record_access(request, application=application, screen="backoffice:file", attachment=attachment)
    return scan_response(attachment, frame_same_origin=True)


def _show_errors(request, error: DomainError):
    for message in error.messages:
        messages.error(request, message)


@officer_required(VERIFIER)
@require_POST
def claim(request, public_id):
    application = _open(request, public_id)
    try:
        verification_claim(application=application, officer=request.user)
    except DomainError as error:
        _show_errors(request, error)
    return redirect("backoffice:application", public_id)


def _decisions(post) -> dict[int, Decision]:
    decisions = {}
    for key, value in post.items():
        if not key.startswith("decision-") or value not in ("accept", "reject"):
            continue
        try:
            requirement_id = int(key.removeprefix("decision-"))
        except ValueError:
            continue
        decisions[requirement_id] = Decision(
            accepted=value == "accept",
            reason=post.get(f"reason-{requirement_id}", ""),
            note=post.get(f"note-{requirement_id}", "").strip()[:300],
        )
    return decisions


@officer_required(VERIFIER)
@require_POST
def decide(request, public_id):
    application = _open(request, public_id)
    try:
        decided = verification_decide(
            application=application, officer=request.user, decisions=_decisions(request.POST)
        )
    except DomainError as error:
        _show_errors(request, error)
    else:
        messages.success(
            request,
            _("Keputusan tersimpan: %(status)s.") % {"status": lifecycle.label(decided.status)},
        )
    return redirect("backoffice:application", public_id)
