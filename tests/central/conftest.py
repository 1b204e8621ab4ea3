"""Fixtures for the SIAK link: the fake SIAK on a free loopback port and verified applications."""

import pytest
from django.db import transaction

from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, jpeg_bytes, pdf_bytes, upload

SEPINGGAN = "6471051002"  # a desa in kecamatan 647105 (Balikpapan Selatan)


@pytest.fixture
def make_verified(resident):
    """make_verified("KK", nik=...) → a VERIFIED application, built the way residents and
    verifiers build them."""
    from applications import lifecycle, services
    from catalogue.models import Service
    from catalogue.selectors import requirements_for

    def build(service_code="KTP", variant_code="PEMULA", *, nik=BALIKPAPAN_WOMAN_NIK, village=None):
        service = Service.objects.get(code=service_code)
        variant = service.variants.get(code=variant_code) if variant_code else None
        data = {"nik": nik, "no_kk": BALIKPAPAN_KK, "name": "Siti"}
        if village:
            data["village"] = village
        application = services.application_start(
            resident=resident, service=service, variant=variant, data=data
        )
        for requirement in requirements_for(service, variant):
            if "image/jpeg" in requirement.accepted_list:
                file = upload("scan.jpg", jpeg_bytes(), "image/jpeg")
            else:
                file = upload("scan.pdf", pdf_bytes(), "application/pdf")
            services.attachment_put(application=application, requirement=requirement, upload=file)
        application = services.application_submit(application=application)
        with transaction.atomic():
            lifecycle.transition(application, lifecycle.IN_VERIFICATION)
            lifecycle.transition(application, lifecycle.VERIFIED)
        return application

    return build
