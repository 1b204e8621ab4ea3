"""Checking an uploaded copy against the document a verification code names."""

import enum
import hashlib

from django.conf import settings

from documents.models import Document
from documents.signing import check_signature

PDF_MAGIC = b"%PDF-"


class Outcome(enum.StrEnum):
    GENUINE = "genuine"
    NOT_GENUINE = "not_genuine"
    NOT_PDF = "not_pdf"
    TOO_LARGE = "too_large"
    MISSING = "missing"


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def read_upload(upload) -> bytes | Outcome:
    """The uploaded bytes, or why there are none to check (nothing, too large)."""
    if upload is None:
        return Outcome.MISSING
    if upload.size > max_bytes():
        return Outcome.TOO_LARGE
    data = upload.read(max_bytes() + 1)
    return Outcome.TOO_LARGE if len(data) > max_bytes() else data


def check_copy(document: Document, data: bytes) -> Outcome:
    """GENUINE only for the very file we issued, carrying a valid signature of our CA over all
    of it. The hash comes first: it is cheap and spares parsing a stranger's PDF when it cannot
    match anyway."""
    if PDF_MAGIC not in data[:1024]:  # where the PDF standard allows the header
        return Outcome.NOT_PDF
    if not document.is_ready or hashlib.sha256(data).hexdigest() != document.sha256:
        return Outcome.NOT_GENUINE
    if not check_signature(data).genuine:
        return Outcome.NOT_GENUINE
    return Outcome.GENUINE
