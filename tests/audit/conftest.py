"""Applications with real (encrypted) scans on the test storage, in any status and age."""

import itertools

import pytest
from django.utils import timezone

from tests.conftest import BALIKPAPAN_WOMAN_NIK, jpeg_bytes, upload

_numbers = itertools.count(1)


@pytest.fixture
def scanned_application(resident):
    """scanned_application(status="handed_over", finished=<datetime>) → Application with 2 scans."""
    from applications import services
    from applications.models import Application, Event
    from catalogue.models import Service

    def build(*, status="handed_over", finished=None, files=("kk", "surat_kehilangan")):
        service = Service.objects.get(code="KTP")
        variant = service.variants.get(code="HILANG")
        application = services.application_start(
            resident=resident,
            service=service,
            variant=variant,
            data={"nik": BALIKPAPAN_WOMAN_NIK, "name": "Siti Aminah"},
        )
        for shade, code in enumerate(files):
            services.attachment_put(
                application=application,
                requirement=service.requirements.get(code=code),
                upload=upload(f"{code}-Siti.jpg", jpeg_bytes(color=(shade * 40, 90, 30))),
            )
        finished = finished or timezone.now()
        number = f"KTP-250101-T{next(_numbers):05d}"
        # Tests set the end state directly: the lifecycle's own tests cover the way there.
        Application.objects.filter(pk=application.pk).update(
            status=status, status_changed_at=finished, registration_number=number
        )
        Event.objects.create(application=application, status="submitted", at=finished)
        Event.objects.create(application=application, status=status, at=finished)
        application.refresh_from_db()
        return application

    return build
