"""Disruptions: the officers' page to declare and end them, and the public status page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import officer_required
from accounts.roles import HEAD_OF_SECTION
from loket.errors import DomainError
from workdays import disruptions
from workdays.forms import DisruptionForm
from workdays.models import Disruption


@require_GET
def status_page(request):
    """Public: what is disrupted now, what is planned, what happened recently."""
    current = disruptions.current_disruptions()
    shown = {d.pk for d in current}
    recent = [d for d in disruptions.recent_disruptions() if d.pk not in shown]
    return render(request, "workdays/status.html", {"current": current, "recent": recent})


@officer_required(HEAD_OF_SECTION)
def officer_page(request):
    form = DisruptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                disruption = disruptions.disruption_declare(
                    kind=data["kind"],
                    description=data["description"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    services=data["services"],
                    officer=request.user,
                )
            except DomainError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Gangguan diumumkan: %(days)d hari kerja hilang.")
                    % {"days": disruption.lost_working_days},
                )
                return redirect("workdays:officer")
        status = 400
    context = {"form": form, "rows": Disruption.objects.prefetch_related("services")[:50]}
    return render(request, "workdays/officer.html", context, status=status)


@officer_required(HEAD_OF_SECTION)
@require_POST
def end(request, pk):
    disruption = get_object_or_404(Disruption, pk=pk)
    try:
        disruptions.disruption_end(disruption=disruption, officer=request.user)
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Gangguan dinyatakan selesai; pemohon diberi tahu."))
    return redirect("workdays:officer")
