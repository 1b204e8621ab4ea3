"""Fixtures for the SIAK link: the fake SIAK on a free loopback port and verified applications."""

import threading

import pytest
from django.db import transaction

from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, jpeg_bytes, pdf_bytes, upload

SEPINGGAN = "6471051002"  # a desa in kecamatan 647105 (Balikpapan Selatan)


@pytest.fixture
def siak(settings):
    """The fake SIAK; settings point the client at it. Decisions come at once unless told."""
    from fakes.siak import serve

    server, state = serve("127.0.0.1", 0, "test-siak-key", slow_seconds=1.5)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    settings.SIAK_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SIAK_API_KEY = "test-siak-key"
    settings.SIAK_TIMEOUT_SECONDS = 5
    settings.SIAK_POLL_SECONDS = 60
    settings.SIAK_RETRY_MAX_SECONDS = 900
    yield state
    server.shutdown()
    server.server_close()


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
