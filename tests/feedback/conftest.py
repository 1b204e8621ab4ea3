"""Builders for the feedback tests: applications in a given state, officers, a fixed clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from applications import lifecycle
from applications.models import Application
from applications.services import REGISTRATION_ALPHABET
from catalogue.models import Service
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK

OFFICE_ZONE = ZoneInfo(settings.TIME_ZONE)


def local(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=OFFICE_ZONE)


@pytest.fixture
def clock(monkeypatch):
    """clock(local(2026, 12, 23)) makes that moment "now" for the code under test."""

    def set_to(moment: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_to


def _suffix(number: int) -> str:
    """Six characters from the registration alphabet, as real numbers have."""
    digits = []
    for _ in range(6):
        number, rest = divmod(number, len(REGISTRATION_ALPHABET))
        digits.append(REGISTRATION_ALPHABET[rest])
    return "".join(reversed(digits))


@pytest.fixture
def make_application(resident):
    counter = iter(range(1, 10_000))

    def build(code="KTP", *, status=lifecycle.HANDED_OVER, owner=None, name="Siti Aminah"):
        number = next(counter)
        return Application.objects.create(
            resident=owner or resident,
            service=Service.objects.get(code=code),
            status=status,
            registration_number=f"{code}-261120-{_suffix(number)}",
            submitted_at=timezone.now(),
            nik=BALIKPAPAN_WOMAN_NIK,
            data={"nik": BALIKPAPAN_WOMAN_NIK, "no_kk": BALIKPAPAN_KK, "name": name},
        )

    return build


@pytest.fixture
def customer_service(officer_client):
    return officer_client("customer_service", username="cs1")


@pytest.fixture
def head(officer_client):
    return officer_client("head_of_section", username="kasi1")
