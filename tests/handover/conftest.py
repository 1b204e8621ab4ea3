"""Fixtures for handover: the fake courier on a free loopback port and cards at each stage."""

import threading

import pytest
from django.db import transaction
from django.test import Client

from tests.conftest import (
    BALIKPAPAN_KK,
    BALIKPAPAN_WOMAN_NIK,
    jpeg_bytes,
    load_reference_data,
    upload,
)

SEPINGGAN = "6471051002"  # a kelurahan in kecamatan Balikpapan Selatan (647105)
CALLBACK = "/handover/courier/callback"


def django_sender(raw: bytes, headers: dict) -> tuple[int, str]:
    """The fake posts its webhooks through Django's test client (no live server needed)."""
    response = Client().post(
        CALLBACK,
        data=raw,
        content_type="application/json",
        HTTP_X_CALLBACK_SIGNATURE=headers["X-Callback-Signature"],
    )
    return response.status_code, response.content.decode()


@pytest.fixture
def courier(settings):
    """The fake courier (GoSend API shape); settings point the client at it."""
    from fakes.courier import serve

    server, state = serve("127.0.0.1", 0, "test-courier-key", "test-courier-secret")
    state.slow_seconds = 2.0
    state.sender = django_sender
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    settings.COURIER_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.COURIER_API_KEY = "test-courier-key"
    settings.COURIER_WEBHOOK_SECRET = "test-courier-secret"
    settings.COURIER_TIMEOUT_SECONDS = 1
    yield state
    server.shutdown()
    server.server_close()


def build_card(resident, *, code="KTP", nik=BALIKPAPAN_WOMAN_NIK, village=SEPINGGAN):
    """A KTP-el (or KIA) application, submitted the way residents submit, then approved."""
    from applications import lifecycle
    from applications import services as application_services
    from applications.selectors import checklist
    from catalogue.models import Service

    service = Service.objects.get(code=code)
    variant = service.variants.order_by("id").first()
    application = application_services.application_start(
        resident=resident,
        service=service,
        variant=variant,
        data={
            "nik": nik,
            "no_kk": BALIKPAPAN_KK,
            "name": "Siti Aminah",
            "village": village,
            "address": "Jl. Mulawarman No. 7 RT 03",
        },
    )
    for row in checklist(application):
        if row.required:
            application_services.attachment_put(
                application=application,
                requirement=row.requirement,
                upload=upload(f"{row.requirement.code}.jpg", jpeg_bytes()),
            )
    application = application_services.application_submit(application=application)
    with transaction.atomic():
        for step in (
            lifecycle.IN_VERIFICATION,
            lifecycle.VERIFIED,
            lifecycle.SENT_TO_CENTRAL,
            lifecycle.APPROVED,
        ):
            lifecycle.transition(application, step)
    application.refresh_from_db()
    return application


def make_ready(application):
    """Printed and ready for handover, as production's print batch does it."""
    from applications import lifecycle

    with transaction.atomic():
        lifecycle.transition(application, lifecycle.PRINTED)
        lifecycle.transition(application, lifecycle.READY_FOR_HANDOVER)
    application.refresh_from_db()
    return application


@pytest.fixture
def reference_data(transactional_db):
    """These tests commit for real (tasks run on commit, as in production); a transactional
    test's flush empties what migrations loaded, so load it again."""
    load_reference_data()


@pytest.fixture
def approved_card(reference_data, resident):
    return build_card(resident)


@pytest.fixture
def ready_card(reference_data, resident):
    return make_ready(build_card(resident))
