import pytest
from django.db import transaction

from applications import lifecycle, services
from catalogue.models import Service
from catalogue.selectors import requirements_for
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, jpeg_bytes, upload


def submit_application(resident, service_code="KTP", variant_code="HILANG", village="6471051002"):
    """A submitted application with a file for every requirement of its variant."""
    service = Service.objects.get(code=service_code)
    variant = service.variants.filter(code=variant_code).first()
    application = services.application_start(
        resident=resident,
        service=service,
        variant=variant,
        data={
            "nik": BALIKPAPAN_WOMAN_NIK,
            "no_kk": BALIKPAPAN_KK,
            "name": "Siti Aminah",
            "sex": "P",
            "birth_date": "1990-07-01",
            "village": village,
        },
    )
    for requirement in requirements_for(service, variant):
        services.attachment_put(
            application=application,
            requirement=requirement,
            upload=upload(f"{requirement.code}.jpg", jpeg_bytes()),
        )
    return services.application_submit(application=application)


def move(application, *statuses, actor=None):
    for status in statuses:
        with transaction.atomic():
            lifecycle.transition(application, status, actor=actor)
    return application


@pytest.fixture
def submitted_ktp(resident):
    return submit_application(resident)
