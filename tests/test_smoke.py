import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_home_page_and_health(client):
    assert client.get("/").status_code == 200
    response = client.get("/health")
    assert response.json() == {"status": "ok"}
