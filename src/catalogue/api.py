from datetime import datetime

from django.http import JsonResponse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from catalogue.models import Service
from catalogue.selectors import active_services, service_with_details
from loket.api import allow, problem, problems_response
from workdays.calendar import promise_date_for


def _requirement(r):
    return {
        "code": r.code,
        "name": r.t.name,
        "help": r.t.help,
        "accepted_types": r.accepted_list,
        "required": r.required,
        "required_from_age": r.required_from_age,
    }


def service_json(service: Service) -> dict:
    requirements = list(service.requirements.all())
    return {
        "code": service.code,
        "name": service.t.name,
        "summary": service.t.summary,
        "product": service.t.product,
        "time_limit_workdays": service.time_limit_workdays,
        "cost": {"amount_idr": service.cost_idr, "free": service.cost_idr == 0},
        "complaint_channel": service.t.complaint_channel,
        "requirements": [_requirement(r) for r in requirements if r.variant_id is None],
        "variants": [
            {
                "code": v.code,
                "name": v.t.name,
                "in_person_required": v.in_person_required,
                "in_person_reason": v.t.in_person_reason,
                "time_limit_workdays": v.effective_time_limit,
                "requirements": [_requirement(r) for r in requirements if r.variant_id == v.id],
            }
            for v in service.variants.all()
        ],
    }


@allow("GET")
def services(request):
    queryset = active_services().prefetch_related("variants", "requirements")
    return JsonResponse({"services": [service_json(s) for s in queryset]})


def _submitted_at(raw: str | None) -> datetime | None:
    if not raw:
        return timezone.now()
    try:
        moment = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        return None
    if moment is None or not 2000 <= moment.year <= 2100:
        return None  # outside the calendar data we hold
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # read in the office's time zone
    return moment


@allow("GET")
def promise_date(request, code):
    try:
        service = service_with_details(code)
    except Service.DoesNotExist:
        return problems_response([problem("service_unknown", _("Layanan tidak dikenal."))], 404)
    submitted_at = _submitted_at(request.GET.get("submitted_at"))
    if submitted_at is None:
        return problems_response(
            [
                problem(
                    "submitted_at_format",
                    _(
                        "submitted_at harus tanggal-waktu ISO 8601 antara tahun 2000 dan 2100, "
                        "mis. 2026-03-30T09:15:00+08:00."
                    ),
                )
            ],
            400,
        )
    limit = service.time_limit_workdays
    variant_code = request.GET.get("variant")
    if variant_code:
        variant = next((v for v in service.variants.all() if v.code == variant_code.upper()), None)
        if variant is None:
            return problems_response(
                [problem("variant_unknown", _("Jenis permohonan tidak dikenal."))], 404
            )
        limit = variant.effective_time_limit
    promised = promise_date_for(limit, submitted_at)
    return JsonResponse(
        {
            "service": service.code,
            "submitted_at": timezone.localtime(submitted_at).isoformat(),
            "time_limit_workdays": limit,
            "promise_date": promised.isoformat(),
            "promise_date_text": formats.date_format(promised, "l, j F Y"),
        }
    )
