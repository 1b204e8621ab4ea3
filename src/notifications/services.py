"""What to tell whom. Messages are written to the outbox inside the caller's transaction and
handed to the worker only once that transaction commits."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from notifications.models import OutboxMessage


def queue_message(*, recipient: str, body: str, application=None, sensitive=False):
    message = OutboxMessage.objects.create(
        recipient=recipient, body=body, application=application, sensitive=sensitive
    )
    from notifications.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.enqueue(message.pk))
    return message


def _status_text(application, event) -> str | None:
    from applications import lifecycle

    if event.status == lifecycle.SUBMITTED:
        return _(
            "%(office)s: permohonan %(service)s Anda diterima, nomor %(number)s. "
            "Perkiraan selesai %(date)s. Lacak: %(url)s"
        ) % {
            "office": settings.OFFICE_NAME,
            "service": application.service.code,
            "number": application.registration_number,
            "date": formats.date_format(application.promise_date, "l, j F Y"),
            "url": settings.PUBLIC_BASE_URL.rstrip("/")
            + reverse("applications:detail", args=[application.public_id]),
        }
    return _("%(office)s: status permohonan %(number)s kini: %(status)s.") % {
        "office": settings.OFFICE_NAME,
        "number": application.registration_number,
        "status": lifecycle.label(event.status),
    }


def notify_status_change(application, event) -> OutboxMessage | None:
    phone = application.resident.phone
    if not phone:
        return None
    with translation.override(application.resident.preferred_language or "id"):
        body = _status_text(application, event)
    return queue_message(recipient=phone, body=body, application=application)


def send_sign_in_code(*, phone: str, code: str, language: str) -> OutboxMessage:
    with translation.override(language):
        body = _(
            "%(code)s adalah kode masuk Loket Anda. Berlaku %(minutes)d menit. "
            "Jangan berikan kode ini kepada siapa pun, termasuk petugas."
        ) % {"code": code, "minutes": settings.OTP_TTL_SECONDS // 60}
    return queue_message(recipient=phone, body=body, sensitive=True)
