import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from applications.models import Application
from applications.selectors import application_of_resident
from documents import selectors
from documents.models import Document
from documents.verification import Outcome, check_copy, max_bytes, read_upload
from loket.api import rate_limited

# token_urlsafe(24) makes 32; anything else is refused before the database is asked.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
REQUEST_OVERHEAD_BYTES = 64 * 1024  # multipart headers around the file


def _verifications_per_minute() -> int:
    return getattr(settings, "DOCUMENT_VERIFICATIONS_PER_MINUTE", 30)


def _too_many(request):
    if rate_limited(request, "verify", _verifications_per_minute()) is None:
        return None
    response = render(request, "documents/too_many.html", status=429)
    response["Retry-After"] = "60"
    return response


def _not_found(request):
    # The same page for any unknown code: nothing tells whether a similar code exists.
    return render(request, "documents/not_found.html", status=404)


def _body_too_large(request) -> bool:
    """Checked before Django parses a multipart body into a temporary file (the views are
    CSRF-exempt so that no middleware parses it first)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > max_bytes() + REQUEST_OVERHEAD_BYTES


def _upload_outcome(request, document: Document) -> Outcome:
    if _body_too_large(request):
        return Outcome.TOO_LARGE
    data = read_upload(request.FILES.get("file"))
    return data if isinstance(data, Outcome) else check_copy(document, data)


# CSRF-exempt: checking a file changes nothing and needs no session (CSRF guards changes made
# in a signed-in user's name), and the size check must come before the body is parsed.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify(request, code):
    refused = _too_many(request)
    if refused:
        return refused
    if not CODE_PATTERN.fullmatch(code):
        return _not_found(request)
    try:
        document = selectors.document_by_code(code)
    except Document.DoesNotExist:
        return _not_found(request)
    if not document.is_ready:
        return _not_found(request)
    outcome = _upload_outcome(request, document) if request.method == "POST" else None
    return render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "holder": selectors.mask_name(document.holder_name),
            "outcome": outcome,
            "max_mb": max_bytes() // (1024 * 1024),
        },
        status=422 if outcome and outcome != Outcome.GENUINE else 200,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify_start(request):
    """A code typed from paper (and optionally a file): the QR's page by another way in."""
    context = {"max_mb": max_bytes() // (1024 * 1024)}
    if request.method == "POST" and _body_too_large(request):
        # The code is inside the body we will not read: ask again, with a smaller file.
        return render(
            request, "documents/verify_start.html", {**context, "too_large": True}, status=413
        )
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    if not code:
        return render(request, "documents/verify_start.html", context)
    if request.method == "POST" and request.FILES.get("file"):
        return verify(request, code)
    return redirect("documents:verify", code)


@login_required
def download(request, public_id):
    try:
        application: Application = application_of_resident(request.user, public_id)
    except (Application.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    document = selectors.document_of_application(application)
    if document is None or not document.is_ready:
        raise Http404
    with document.pdf.open("rb") as file:  # decrypted by the storage
        content = file.read()
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{document.kind}-{application.registration_number or document.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
