"""A one-page A4 poster per service, for village offices' notice boards: the requirements, the
time limit, "gratis", the WhatsApp number and message format, and a QR code to the service page
(what the Nunukan banner, with only a phone number on it, lacked).

Always in Indonesian, like the legal documents: it is printed and pinned up, not read on screen.
"""

import segno
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from catalogue.models import Service

QR_SCALE = 10  # pixels per module in the embedded PNG; printed 4.5 cm wide, about 1 mm a module


def service_url(service: Service) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("catalogue:detail", args=[service.code])


def qr_png_data_uri(url: str) -> str:
    """A PNG (not SVG) so the printed modules are exactly the encoder's, pixel for pixel, and
    the test can take the image back out of the PDF and read it. Level M survives smudges."""
    return segno.make(url, error="m").png_data_uri(scale=QR_SCALE, border=4)


def whatsapp_format(service: Service) -> str:
    from channels.formats import FORMATS, format_text

    spec = FORMATS.get(service.code)
    return format_text(spec, service) if spec else ""


def poster_html(service: Service) -> str:
    url = service_url(service)
    with translation.override("id"):
        common = [r for r in service.requirements.all() if r.variant_id is None]
        variants = [
            (v, [r for r in service.requirements.all() if r.variant_id == v.id])
            for v in service.variants.all()
        ]
        return render_to_string(
            "assisted/poster.html",
            {
                "service": service,
                "common": common,
                "variants": variants,
                "office_name": settings.OFFICE_NAME,
                "whatsapp": settings.OFFICE_WHATSAPP,
                "whatsapp_format": whatsapp_format(service),
                "service_url": url,
                "qr": qr_png_data_uri(url),
            },
        )


def render_poster(service: Service) -> bytes:
    from documents.pdf import _font_config

    return weasyprint.HTML(string=poster_html(service)).write_pdf(font_config=_font_config())
