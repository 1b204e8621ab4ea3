from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import officer_required
from accounts.roles import CUSTOMER_SERVICE, HEAD_OF_SECTION
from notifications.models import OutboxMessage
from notifications.services import message_retry


@officer_required(CUSTOMER_SERVICE, HEAD_OF_SECTION)
def outbox(request):
    queryset = OutboxMessage.objects.select_related("application").prefetch_related("tries")
    context = {
        "failed": queryset.filter(status=OutboxMessage.FAILED)[:100],
        "waiting": queryset.filter(status__in=[OutboxMessage.PENDING, OutboxMessage.SENDING])[:100],
        "recent": queryset.filter(status=OutboxMessage.SENT)[:50],
    }
    return render(request, "notifications/outbox.html", context)


@officer_required(CUSTOMER_SERVICE, HEAD_OF_SECTION)
@require_POST
def retry(request, message_id):
    message = get_object_or_404(OutboxMessage, pk=message_id)
    message_retry(message=message)
    messages.success(request, _("Pesan dikirim ulang."))
    return redirect("notifications:outbox")
