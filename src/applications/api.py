from django.http import JsonResponse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from applications import lifecycle
from applications.selectors import application_by_number_and_nik
from loket.api import allow, problem, problems_response, rate_limited, status_lookup_limit

NOT_FOUND = problem(
    "not_found", _("Tidak ada permohonan dengan nomor registrasi dan NIK tersebut.")
)


@allow("GET")
def status(request, registration_number):
    limited = rate_limited(request, "status", status_lookup_limit())
    if limited:
        return limited
    nik = "".join((request.GET.get("nik") or "").split())
    application = (
        application_by_number_and_nik(registration_number.strip().upper(), nik) if nik else None
    )
    if application is None:  # unknown number and wrong NIK answer alike
        return problems_response([NOT_FOUND], 404)
    return JsonResponse(status_json(application))


def status_json(application) -> dict:
    return {
        "registration_number": application.registration_number,
        "service": application.service.code,
        "variant": application.variant.code if application.variant else None,
        "status": application.status,
        "status_label": lifecycle.label(application.status),
        "submitted_at": application.submitted_at.isoformat(),
        "promise_date": application.promise_date.isoformat(),
        "promise_date_text": formats.date_format(application.promise_date, "l, j F Y"),
        "timeline": [
            {"status": e.status, "label": lifecycle.label(e.status), "at": e.at.isoformat()}
            for e in application.events.all()
        ],
    }
