"""Checks every uploaded file: size, real content type (sniffed, not the name) and integrity.

Images are re-encoded (drops metadata and anything smuggled after the image data); PDFs are
opened and rewritten by pikepdf, and truncated or password-locked ones are refused.
"""

import hashlib
import io
from dataclasses import dataclass

import magic
import pikepdf
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from catalogue.models import Requirement
from loket.errors import DomainError

SNIFF_BYTES = 4096
MAX_PIXELS = 40_000_000
TYPE_NAMES = {"image/jpeg": "JPG", "image/png": "PNG", "application/pdf": "PDF"}


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    sha256: str


def _refuse(code, template, **params):
    raise DomainError(code, template, **params)


def read_limited(uploaded) -> bytes:
    limit = settings.UPLOAD_MAX_BYTES
    content = b"" if (uploaded.size or 0) > limit else uploaded.read(limit + 1)
    size = max(uploaded.size or 0, len(content))
    if size > limit:
        _refuse(
            "upload_too_large",
            _("Berkas terlalu besar (%(size)s); maksimal %(max)s."),
            size=filesizeformat(size),
            max=filesizeformat(limit),
        )
    if not content:
        _refuse("upload_empty", _("Berkas kosong. Pilih berkas yang berisi foto atau pindaian."))
    return content


def sniff(content: bytes, requirement: Requirement) -> str:
    found = magic.from_buffer(content[:SNIFF_BYTES], mime=True)
    if found not in requirement.accepted_list:
        _refuse(
            "upload_type",
            _("Isi berkas bukan %(accepted)s (terbaca: %(found)s). Unggah foto atau pindaian."),
            accepted=requirement.accepted_label,
            found=TYPE_NAMES.get(found, found),
        )
    return found


def reencode_image(content: bytes, content_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValueError("too many pixels")
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if content_type == "image/jpeg":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        _refuse(
            "upload_image_broken",
            _(
                "Gambar rusak atau tidak lengkap sehingga tidak dapat dibaca. "
                "Foto ulang lalu unggah."
            ),
        )


def rewrite_pdf(content: bytes) -> bytes:
    broken = (
        "upload_pdf_broken",
        _("PDF rusak atau tidak lengkap (mungkin terpotong saat dikirim). Unggah ulang berkasnya."),
    )
    if b"%%EOF" not in content[-2048:]:
        _refuse(*broken)  # truncated: qpdf would otherwise quietly "repair" it
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if len(pdf.pages) == 0:
                _refuse(*broken)
            out = io.BytesIO()
            pdf.remove_unreferenced_resources()
            pdf.save(out)
            return out.getvalue()
    except pikepdf.PasswordError:
        _refuse("upload_pdf_locked", _("PDF dikunci kata sandi. Unggah PDF tanpa kata sandi."))
    except pikepdf.PdfError:
        _refuse(*broken)


def clean_upload(uploaded, requirement: Requirement) -> CleanFile:
    content = read_limited(uploaded)
    content_type = sniff(content, requirement)
    if content_type == "application/pdf":
        content = rewrite_pdf(content)
    else:
        content = reencode_image(content, content_type)
    return CleanFile(content, content_type, hashlib.sha256(content).hexdigest())
