from django.db.models import Prefetch

from catalogue.models import Requirement, Service, Variant


def active_services():
    return Service.objects.filter(active=True)


def service_with_details(code: str) -> Service:
    return (
        Service.objects.filter(active=True, code__iexact=code)
        .prefetch_related(
            "variants", Prefetch("requirements", Requirement.objects.select_related("variant"))
        )
        .get()
    )


def requirements_for(service: Service, variant: Variant | None) -> list[Requirement]:
    """The service's common requirements plus those of the chosen variant."""
    return [
        r
        for r in service.requirements.all()
        if r.variant_id is None or (variant is not None and r.variant_id == variant.id)
    ]
