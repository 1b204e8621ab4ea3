"""The self-print document as an A4 PDF for plain HVS paper: HTML/CSS through WeasyPrint.

Always in Indonesian: it is the legal document, whatever language the site is shown in.
"""

import threading

import segno
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from weasyprint.text.fonts import FontConfiguration

# The holder data printed, in this order, for whichever keys the service's form asked for.
DATA_LABELS = {
    "name": _("Nama lengkap"),
    "nik": _("NIK"),
    "no_kk": _("Nomor KK"),
    "sex": _("Jenis kelamin"),
    "birth_date": _("Tanggal lahir"),
    "event_date": _("Tanggal peristiwa"),
    "event_place": _("Tempat peristiwa"),
    "father_nik": _("NIK ayah"),
    "mother_nik": _("NIK ibu"),
    "spouse_nik": _("NIK pasangan"),
    "court_decision_number": _("Nomor putusan pengadilan"),
    "skpwni_number": _("Nomor SKPWNI"),
    "address": _("Alamat"),
    "destination_address": _("Alamat tujuan pindah"),
    "move_reason": _("Alasan pindah"),
}
SEX_LABELS = {"L": _("Laki-laki"), "P": _("Perempuan")}


def verification_url(document) -> str:
    path = reverse("documents:verify", args=[document.verification_code])
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _rows(document) -> list[tuple[str, str]]:
    data = document.application.data
    rows = []
    for key, label in DATA_LABELS.items():
        value = data.get(key)
        if value in (None, ""):
            continue
        if key == "sex":
            value = SEX_LABELS.get(value, value)
        rows.append((str(label), str(value)))
    village = document.application.village
    if village is not None:
        rows.append((str(_("Desa/kelurahan")), village.name))
    return rows


def document_html(document) -> str:
    url = verification_url(document)
    # Level M survives a smudge on HVS paper; the SVG stays sharp at any printer resolution.
    qr_svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)
    with translation.override("id"):
        return render_to_string(
            "documents/pdf.html",
            {
                "document": document,
                "office_name": settings.OFFICE_NAME,
                "rows": _rows(document),
                "qr_svg": qr_svg,
                "verification_url": url,
            },
        )


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One per thread, kept: building it (fontconfig, Pango's font map) is a good part of a
    one-page render, and the documents use only the system's fonts, never @font-face."""
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


def render_pdf(document) -> bytes:
    html = weasyprint.HTML(string=document_html(document))
    return html.write_pdf(font_config=_font_config())
