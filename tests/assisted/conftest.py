import uuid

import pytest

from tests.conftest import BALIKPAPAN_KK, jpeg_bytes, officer_login

SEPINGGAN = "6471051002"  # a kelurahan of kec. Balikpapan Selatan (647105)


def make_operator(username, role="operator_desa", *, village=None, district=None):
    from assisted.models import OperatorArea
    from tests.conftest import make_officer

    user = make_officer(username, role)
    if village or district:
        OperatorArea.objects.create(operator=user, village_id=village, district_id=district)
    return user


@pytest.fixture
def operator(db):
    return make_operator("op.sepinggan", village=SEPINGGAN)


@pytest.fixture
def operator_client(operator):
    from django.test import Client

    return officer_login(Client(), operator)


def photo(name="foto.jpg", size=(800, 600), color=(220, 200, 180)):
    from tests.conftest import upload

    return upload(name, jpeg_bytes(size, color), "image/jpeg")


def kia_post(
    service, *, client_id=None, village=SEPINGGAN, consent="form", phone="", files=True, **overrides
):
    """A complete KIA intake as the form posts it (the child of the Balikpapan woman)."""
    from catalogue.selectors import requirements_for
    from tests.conftest import CHILD_NIK

    data = {
        "client_id": str(client_id or uuid.uuid4()),
        "nik": CHILD_NIK,
        "no_kk": BALIKPAPAN_KK,
        "name": "Adi Pratama",
        "sex": "L",
        "birth_date": "2018-03-15",
        "village": village,
        "address": "Jl. Mulawarman No. 7 RT 03",
        "phone": phone,
        "consent_method": consent,
    }
    allowed = set(service.form_fields) | {"client_id", "phone", "consent_method"}
    data = {k: v for k, v in data.items() if k in allowed}
    data.update(overrides)
    if files:
        for requirement in requirements_for(service, None):
            data[f"file_{requirement.id}"] = photo(f"{requirement.code}.jpg")
    if consent == "form":
        data["consent_file"] = photo("persetujuan.jpg")
    return data
