"""Serving a stored scan to someone already allowed to see it."""

from cryptography.fernet import InvalidToken
from django.http import FileResponse, Http404


def scan_response(attachment, *, frame_same_origin: bool = False) -> FileResponse:
    """The decrypted scan inline, never cached; 404 if it was purged or cannot be read."""
    if not attachment.file:  # removed after the retention period; the record stays
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, InvalidToken) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    if frame_same_origin:  # the verification screen shows PDFs in an <object>
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response
