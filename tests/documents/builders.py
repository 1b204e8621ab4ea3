"""Shared by the documents tests and the browser test: demo certificates, issued applications."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, jpeg_bytes, pdf_bytes, upload


@pytest.fixture(scope="session")
def signing_certs(tmp_path_factory):
    """A demo CA and signer made by `signing_demo_certs`, used by every test of the session."""
    directory = tmp_path_factory.mktemp("signing")
    paths = {
        "SIGNING_CA_CERT_PATH": str(directory / "ca.pem"),
        "SIGNING_PKCS12_PATH": str(directory / "signer.p12"),
        "SIGNING_PKCS12_PASSWORD": "test-signing-password",
        "SIGNING_TSA_URL": "",
    }
    override = override_settings(**paths)
    override.enable()
    call_command("signing_demo_certs", stdout=io.StringIO())
    yield paths
    override.disable()
    from documents.signing import forget_signer

    forget_signer()


def make_verified(resident, service_code, *, data=None, variant_code=None):
    """A VERIFIED application, built the way residents and verifiers build them."""
    from applications import lifecycle, services
    from catalogue.models import Service
    from catalogue.selectors import requirements_for

    service = Service.objects.get(code=service_code)
    variant = service.variants.get(code=variant_code) if variant_code else None
    if variant is None and service.variants.exists():
        variant = service.variants.first()
    data = data or {"nik": BALIKPAPAN_WOMAN_NIK, "no_kk": BALIKPAPAN_KK, "name": "Siti Aminah"}
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


def make_issued(resident, service_code="AKM", **kwargs):
    """An ISSUED self-print application (as after SIAK's approval), its document not yet made."""
    from applications import lifecycle

    application = make_verified(resident, service_code, **kwargs)
    with transaction.atomic():
        lifecycle.transition(application, lifecycle.ISSUED)
    return application


def issue(resident, service_code="AKM", **kwargs):
    from documents.services import document_issue

    return document_issue(application=make_issued(resident, service_code, **kwargs))
