"""The back office's view of the SIAK link: is it up, what waits, and the send buttons."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import forbidden, has_role, in_scope, officer_required
from accounts.roles import HEAD_OF_SECTION, OPERATOR
from applications.models import Application
from central import selectors, services
from loket.errors import DomainError


@officer_required(OPERATOR, HEAD_OF_SECTION)
def dashboard(request):
    waiting = selectors.waiting_applications(request.user)
    verified = selectors.verified_applications(request.user)
    return render(
        request,
        "central/dashboard.html",
        {
            "link": selectors.link_status(),
            "counts": selectors.request_counts(),
            "waiting": waiting[: selectors.LIST_LIMIT],
            "waiting_total": waiting.count(),
            "verified": verified[: selectors.LIST_LIMIT],
            "verified_total": verified.count(),
            "failed": selectors.failed_requests(request.user)[: selectors.LIST_LIMIT],
            "limit": selectors.LIST_LIMIT,
            "can_send": has_role(request.user, OPERATOR),
        },
    )


@officer_required(OPERATOR)
@require_POST
def send(request, public_id):
    """Send one verified application (or send again one whose request failed)."""
    application = get_object_or_404(Application, public_id=public_id)
    if not in_scope(request.user, application):
        return forbidden(request)
    try:
        services.central_send(application=application, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Permohonan %(number)s masuk antrean kirim ke pusat.")
            % {"number": application.registration_number},
        )
    return redirect("central:dashboard")


@officer_required(OPERATOR)
@require_POST
def send_all(request):
    sent, refused = services.central_submit_all(
        applications=list(selectors.verified_applications(request.user)),
        acting_user=request.user,
    )
    messages.success(
        request, _("%(sent)d permohonan masuk antrean kirim ke pusat.") % {"sent": sent}
    )
    if refused:
        messages.warning(
            request,
            _("%(refused)d permohonan sudah diproses petugas lain.") % {"refused": refused},
        )
    return redirect("central:dashboard")
