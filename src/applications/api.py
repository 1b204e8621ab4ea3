from django.http import JsonResponse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from applications import lifecycle
from applications.selectors import StatusSnapshot, status_snapshot
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
    snapshot = status_snapshot(registration_number.strip().upper(), nik) if nik else None
    if snapshot is None:  # unknown number and wrong NIK answer alike
        return problems_response([NOT_FOUND], 404)
    return JsonResponse(status_json(snapshot))


def status_json(snapshot: StatusSnapshot) -> dict:
    return {
        "registration_number": snapshot.registration_number,
        "service": snapshot.service_code,
        "variant": snapshot.variant_code,
        "status": snapshot.status,
        "status_label": lifecycle.label(snapshot.status),
        "submitted_at": snapshot.submitted_at.isoformat(),
        "promise_date": snapshot.promise_date.isoformat(),
        "promise_date_text": formats.date_format(snapshot.promise_date, "l, j F Y"),
        "timeline": [
            {"status": status, "label": lifecycle.label(status), "at": at.isoformat()}
            for status, at in snapshot.timeline
        ],
    }
