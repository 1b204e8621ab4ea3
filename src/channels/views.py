from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import officer_required
from accounts.phone import mask_phone
from accounts.roles import CUSTOMER_SERVICE, HEAD_OF_SECTION
from channels.inbox import conversation_answer, conversations_waiting, thread
from channels.models import Conversation
from loket.errors import DomainError


@officer_required(CUSTOMER_SERVICE, HEAD_OF_SECTION)
def inbox(request):
    rows = [(c, mask_phone(c.phone)) for c in conversations_waiting()[:100]]
    return render(request, "channels/inbox.html", {"rows": rows})


@officer_required(CUSTOMER_SERVICE, HEAD_OF_SECTION)
def conversation(request, pk):
    item = get_object_or_404(Conversation, pk=pk)
    context = {"conversation": item, "phone": mask_phone(item.phone), "thread": thread(item)}
    return render(request, "channels/conversation.html", context)


@officer_required(CUSTOMER_SERVICE, HEAD_OF_SECTION)
@require_POST
def answer(request, pk):
    item = get_object_or_404(Conversation, pk=pk)
    try:
        conversation_answer(
            conversation=item, text=request.POST.get("text", ""), officer=request.user
        )
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("inbox:conversation", pk)
    messages.success(request, _("Jawaban dikirim."))
    return redirect("inbox:list")
