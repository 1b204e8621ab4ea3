"""The public JSON API under /api/v1/ (paths are a contract)."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application
from catalogue.models import Requirement, Service
from tests.conftest import BALIKPAPAN_KK, BALIKPAPAN_WOMAN_NIK, jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def test_it_publishes_an_openapi_document_naming_every_path(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/regions",
        "/services",
        "/services/{code}/promise-date",
        "/nik/validate",
        "/applications/{registration_number}/status",
    }


def test_it_lists_the_office_regions_with_digit_codes(client):
    data = client.get("/api/v1/regions").json()
    kecamatan = {k["kecamatan_code"]: k for k in data["kecamatan"]}
    assert kecamatan["647105"]["kecamatan_name"] == "Balikpapan Selatan"
    assert len(kecamatan) == 6
    desa = {d["desa_code"]: d["desa_name"] for d in kecamatan["647105"]["desa"]}
    assert desa["6471051002"] == "Sepinggan"


def test_it_lists_services_with_variants_requirements_and_cost(client):
    services_json = {s["code"]: s for s in client.get("/api/v1/services").json()["services"]}
    assert set(services_json) >= {
        "KTP",
        "KK",
        "KIA",
        "AKL",
        "AKM",
        "AKW",
        "AKC",
        "SKPWNI",
        "SKDWNI",
    }
    ktp = services_json["KTP"]
    assert {v["code"] for v in ktp["variants"]} == {"PEMULA", "HILANG", "RUSAK", "PERUBAHAN"}
    assert ktp["cost"] == {"amount_idr": 0, "free": True}
    assert ktp["time_limit_workdays"] >= 1
    pemula = next(v for v in ktp["variants"] if v["code"] == "PEMULA")
    assert pemula["in_person_required"] is True


def test_it_validates_a_nik_with_region_sex_and_birth_date(client):
    response = client.post(
        "/api/v1/nik/validate",
        {"nik": BALIKPAPAN_WOMAN_NIK, "sex": "P", "birth_date": "1990-07-01"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True and data["sex"] == "P" and data["birth_date"] == "1990-07-01"
    assert data["region"]["kecamatan_code"] == "647105"
    assert data["region"]["regency_name"] == "Kota Balikpapan"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"nik": "123"}, "nik_length"),
        ({"nik": "9999994107900001"}, "nik_region_unknown"),
        ({"nik": BALIKPAPAN_WOMAN_NIK, "sex": "L"}, "nik_sex_mismatch"),
        ({"nik": BALIKPAPAN_WOMAN_NIK, "birth_date": "1990-07-02"}, "nik_birth_date_mismatch"),
        ({"nik": BALIKPAPAN_WOMAN_NIK, "sex": "X"}, "sex_invalid"),
        ({"nik": BALIKPAPAN_WOMAN_NIK, "birth_date": "01-07-1990"}, "birth_date_format"),
        ({}, "nik_required"),
    ],
)
def test_it_lists_nik_problems_with_codes(client, body, code):
    response = client.post("/api/v1/nik/validate", body, content_type="application/json")
    assert response.status_code == 422
    data = response.json()
    assert data["valid"] is False
    assert code in [p["code"] for p in data["problems"]]


def test_it_answers_in_the_accept_language(client):
    response = client.post(
        "/api/v1/nik/validate",
        {"nik": ""},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["problems"][0]["message"] == "NIK is required."


@pytest.mark.parametrize("raw", [b"not json", b"[1,2]", b"\xff\xfe"])
def test_bad_json_is_a_400_with_problems(client, raw):
    response = client.post("/api/v1/nik/validate", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["problems"][0]["code"] == "invalid_json"


def test_the_promise_date_uses_working_days_in_the_office_zone(client):
    # KTP takes 3 working days. Monday 30 March 2026 09:00 WITA counts from that Monday;
    # at 17:00 (after closing) from Tuesday, and Good Friday 3 April is skipped.
    assert Service.objects.get(code="KTP").time_limit_workdays == 3
    url = "/api/v1/services/KTP/promise-date"
    before = client.get(url, {"submitted_at": "2026-03-30T09:00:00+08:00"}).json()
    assert before["promise_date"] == "2026-04-02"
    assert before["promise_date_text"] == "Kamis, 2 April 2026"
    after = client.get(url, {"submitted_at": "2026-03-30T17:00:00+08:00"}).json()
    assert after["promise_date"] == "2026-04-06"
    utc = client.get(url, {"submitted_at": "2026-03-30T08:30:00Z"}).json()  # 16:30 WITA
    assert utc["promise_date"] == "2026-04-06"


def test_promise_date_problems(client):
    assert client.get("/api/v1/services/NOPE/promise-date").status_code == 404
    bad = client.get("/api/v1/services/KTP/promise-date", {"submitted_at": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["problems"][0]["code"] == "submitted_at_format"


@pytest.fixture
def submitted(resident):
    service = Service.objects.get(code="KTP")
    variant = service.variants.get(code="PEMULA")
    application = services.application_start(
        resident=resident,
        service=service,
        variant=variant,
        data={"nik": BALIKPAPAN_WOMAN_NIK, "no_kk": BALIKPAPAN_KK, "name": "Siti"},
    )
    kk = Requirement.objects.get(service=service, code="kk")
    services.attachment_put(
        application=application, requirement=kk, upload=upload("kk.jpg", jpeg_bytes())
    )
    return services.application_submit(application=application)


def test_it_tells_the_status_with_the_right_nik(client, submitted):
    url = f"/api/v1/applications/{submitted.registration_number}/status"
    data = client.get(url, {"nik": BALIKPAPAN_WOMAN_NIK}).json()
    assert data["status"] == "submitted"
    assert data["promise_date"] == submitted.promise_date.isoformat()
    assert [e["status"] for e in data["timeline"]] == ["submitted"]


def test_wrong_pairs_and_unknown_numbers_answer_alike(client, submitted):
    wrong_nik = client.get(
        f"/api/v1/applications/{submitted.registration_number}/status", {"nik": "6471050101900001"}
    )
    unknown = client.get(
        "/api/v1/applications/KTP-000000-AAAAAA/status", {"nik": BALIKPAPAN_WOMAN_NIK}
    )
    no_nik = client.get(f"/api/v1/applications/{submitted.registration_number}/status")
    assert wrong_nik.status_code == unknown.status_code == no_nik.status_code == 404
    assert wrong_nik.json() == unknown.json() == no_nik.json()


def test_status_lookups_are_rate_limited(client, submitted, settings):
    settings.API_STATUS_LOOKUPS_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    url = "/api/v1/applications/KTP-000000-AAAAAA/status"
    codes = [client.get(url, {"nik": "1"}).status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
    assert client.get(url, {"nik": "1"})["Retry-After"]


def test_drafts_are_invisible_to_the_status_api(client, resident):
    service = Service.objects.get(code="KK")
    application = services.application_start(
        resident=resident, service=service, variant=None, data={"nik": BALIKPAPAN_WOMAN_NIK}
    )
    Application.objects.filter(pk=application.pk).update(registration_number="KK-1")
    assert (
        client.get("/api/v1/applications/KK-1/status", {"nik": BALIKPAPAN_WOMAN_NIK}).status_code
        == 404
    )


def test_unknown_api_paths_answer_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404


def test_reverse_names_exist():
    assert reverse("openapi") == "/api/v1/openapi.json"


def test_a_wrong_method_is_a_json_405(client):
    response = client.get("/api/v1/nik/validate")
    assert response.status_code == 405
    assert response.json()["problems"][0]["code"] == "method_not_allowed"
    assert response["Allow"] == "POST"
