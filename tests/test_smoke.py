import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_home_page_and_health(client):
    assert client.get("/").status_code == 200
    response = client.get("/health")
    assert response.json() == {"status": "ok"}


def test_pages_speak_indonesian_first_even_to_english_browsers(client):
    html = client.get("/layanan/KIA/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Persyaratan" in html


def test_the_language_switch_is_remembered(client):
    response = client.post("/bahasa/", {"language": "en", "next": "/layanan/KIA/"})
    assert response.status_code == 302
    assert "Requirements" in client.get("/layanan/KIA/").content.decode()
    client.post("/bahasa/", {"language": "id", "next": "/"})
    assert "Persyaratan" in client.get("/layanan/KIA/").content.decode()


def test_the_api_follows_accept_language(client):
    response = client.post(
        "/api/v1/nik/validate", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["problems"][0]["message"] == "NIK is required."
