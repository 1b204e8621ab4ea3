"""Builders for the production tests: approved applications and stocked supplies."""

import pytest
from django.db import transaction

from applications import lifecycle
from applications import services as application_services
from applications.selectors import checklist
from catalogue.models import Service
from production.models import SupplyItem
from tests.conftest import (
    BALIKPAPAN_KK,
    BALIKPAPAN_WOMAN_NIK,
    jpeg_bytes,
    load_reference_data,
    upload,
)

SEPINGGAN = "6471051002"  # kecamatan Balikpapan Selatan (647105)

PATH_TO = {
    lifecycle.SUBMITTED: [],
    lifecycle.IN_VERIFICATION: [lifecycle.IN_VERIFICATION],
    lifecycle.VERIFIED: [lifecycle.IN_VERIFICATION, lifecycle.VERIFIED],
    lifecycle.SENT_TO_CENTRAL: [
        lifecycle.IN_VERIFICATION,
        lifecycle.VERIFIED,
        lifecycle.SENT_TO_CENTRAL,
    ],
    lifecycle.APPROVED: [
        lifecycle.IN_VERIFICATION,
        lifecycle.VERIFIED,
        lifecycle.SENT_TO_CENTRAL,
        lifecycle.APPROVED,
    ],
}


@pytest.fixture
def make_application(resident):
    """make_application("KTP") → an application of that service moved to `status` the way the
    office does it: submitted through applications.services, then lifecycle transitions."""

    def build(code="KTP", *, status=lifecycle.APPROVED, village=SEPINGGAN, owner=None):
        service = Service.objects.get(code=code)
        variant = service.variants.order_by("id").first()
        application = application_services.application_start(
            resident=owner or resident,
            service=service,
            variant=variant,
            data={
                "nik": BALIKPAPAN_WOMAN_NIK,
                "no_kk": BALIKPAPAN_KK,
                "name": "Siti",
                "village": village,
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
            for step in PATH_TO[status]:
                lifecycle.transition(application, step)
        application.refresh_from_db()
        return application

    return build


def item(code: str) -> SupplyItem:
    return SupplyItem.objects.get(code=code)


@pytest.fixture
def stock(db):
    """stock(blanko=10, ribbon=1, film=1, ribbon_yield=2) sets the shelf directly."""

    def put(**figures):
        for code in ("blanko", "ribbon", "film"):
            changes = {}
            if code in figures:
                changes["on_hand"] = figures[code]
                changes["cards_on_current_unit"] = 0
            if f"{code}_yield" in figures:
                changes["yield_per_unit"] = figures[f"{code}_yield"]
            if f"{code}_threshold" in figures:
                changes["low_stock_threshold"] = figures[f"{code}_threshold"]
            if changes:
                SupplyItem.objects.filter(code=code).update(**changes)

    return put


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test starts after other tests' flushes: load what migrations load."""
    load_reference_data()
