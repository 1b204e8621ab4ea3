from django.http import Http404
from django.shortcuts import render

from catalogue.models import Service
from catalogue.selectors import active_services, service_with_details


def service_list(request):
    return render(request, "catalogue/list.html", {"services": active_services()})


def service_detail(request, code):
    try:
        service = service_with_details(code)
    except Service.DoesNotExist as exc:
        raise Http404 from exc
    common = [r for r in service.requirements.all() if r.variant_id is None]
    variants = [
        (v, [r for r in service.requirements.all() if r.variant_id == v.id])
        for v in service.variants.all()
    ]
    return render(
        request,
        "catalogue/detail.html",
        {"service": service, "common": common, "variants": variants},
    )
