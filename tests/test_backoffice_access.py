import pytest

pytestmark = pytest.mark.django_db


def test_the_back_office_needs_a_verified_officer(client, officer_client, resident):
    assert client.get("/kantor/").status_code == 302
    client.force_login(resident)
    assert client.get("/kantor/").status_code == 403
    verifier, _ = officer_client("verifier")
    assert verifier.get("/kantor/").status_code == 200
